// The JSON bodies CAVRA's handlers read (SPEC 3, 4), built from the Backend requests. What never goes
// over the wire: `actor_claims` (CAVRA trusts them unverified), `authorization` (it is a header),
// `draft_yaml` / `draft_file` (parsed here and sent as `draft`), `signing` (the server signs with its key).
import type {
  ApprovalCreateRequest,
  ApprovalDecisionRequest,
  BreakGlassRequest,
  DraftInput,
  PublishRequest,
  PublishRequestRequest,
  RolloutChangeRequest,
} from '../backend';
import { loadPolicyValue } from '../../policy/policyYaml';
import { PyFloat, pyFloatRepr } from '../../policy/pythonValues';
import { RemoteBackendError } from './remoteErrors';

const NEVER_SENT = new Set(['actor_claims', 'authorization', 'draft_yaml', 'draft_file', 'signing']);

/**
 * JSON text as Python's json.loads reads it back to the same values: a YAML float stays a float
 * (`1.0`, not `1`, so CAVRA's str() gives "1.0"), key order is kept, undefined fields are left out.
 */
export function encodeJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return floatText(value.value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatText(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return encodeJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => encodeJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as { [key: string]: unknown };
    const parts = Object.keys(obj)
      .filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function')
      .map((k) => `${JSON.stringify(k)}:${encodeJson(obj[k])}`);
    return `{${parts.join(',')}}`;
  }
  return 'null';
}

/** Python's json accepts NaN and Infinity, so a YAML `.nan` / `.inf` reaches CAVRA as it would locally. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloatRepr(x);
}

/** The draft payload of a request: `draft` as given, or `draft_yaml` read as CAVRA reads YAML. */
export function draftPayload(input: DraftInput): unknown {
  if (input.draft !== undefined && input.draft_yaml !== undefined) {
    // The local backend's words for the same mistake.
    const detail = 'give the draft either as JSON (draft) or as policy YAML (draft_yaml), not both';
    throw new RemoteBackendError({
      kind: 'input',
      status: 400,
      detail,
      message: `${detail} (nothing was sent to the CAVRA server)`,
    });
  }
  if (input.draft !== undefined) return mappingOnly(input.draft);
  if (input.draft_yaml === undefined) return undefined;
  const file = input.draft_file ?? 'draft';
  let value: unknown;
  try {
    value = loadPolicyValue(input.draft_yaml, file);
  } catch (e) {
    const detail = (e as Error).message;
    throw new RemoteBackendError({
      kind: 'input',
      status: 400,
      detail,
      message: `${detail} (nothing was sent to the CAVRA server)`,
    });
  }
  return mappingOnly(value);
}

/**
 * A draft that is not a mapping (a YAML list, an empty file) is refused here with the local backend's
 * words: CAVRA would answer FastAPI's 422 for /draft and something undocumented under `draft`.
 */
function mappingOnly(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat)) return value;
  const detail = 'Policy must be a YAML object';
  throw new RemoteBackendError({
    kind: 'input',
    status: 400,
    detail,
    message: `${detail} (nothing was sent to the CAVRA server)`,
  });
}

/** Copies the fields CAVRA reads, in the request's order, leaving out what is never sent. */
function wireFields(request: object, omit: readonly string[] = []): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(request)) {
    if (NEVER_SENT.has(key) || omit.includes(key) || value === undefined) continue;
    out[key] = value;
  }
  return out;
}

/** POST /policy-packs/draft: the draft payload itself is the body. */
export function draftBody(input: DraftInput): unknown {
  return draftPayload(input) ?? {};
}

/** POST /policy-packs/publish-plan: `{"draft": …}` (CAVRA also takes the bare payload; the wrapper is unambiguous). */
export function publishPlanBody(input: DraftInput): unknown {
  return { draft: draftPayload(input) };
}

/** POST /policy-packs/publish-request: `{draft, requested_by?, approver_group?, repository?, ttl_hours?, actor_token?}`. */
export function publishRequestBody(request: PublishRequestRequest): unknown {
  // `impact` is this project's, kept by the local backend only.
  return { draft: draftPayload(request), ...wireFields(request, ['draft', 'impact']) };
}

/** POST /policy-packs/publish: `{draft, approval_id, signer?, actor?, actor_token?}`. */
export function publishBody(request: PublishRequest): unknown {
  return { draft: draftPayload(request), ...wireFields(request, ['draft']) };
}

/** POST /approvals: always the `{"decision": …}` wrapper, so routing rules apply as SPEC 4.1 says. */
export function approvalCreateBody(request: ApprovalCreateRequest): unknown {
  return wireFields(request);
}

/** POST /approvals/{id}/approve, /deny, /expire: `{actor?, reason?, external_ref?, actor_token?}`. */
export function approvalDecisionBody(request: ApprovalDecisionRequest | undefined): unknown {
  return request ? wireFields(request) : {};
}

export function breakGlassBody(request: BreakGlassRequest): unknown {
  return wireFields(request);
}

/** POST /policy-rollouts/change-plan and /apply-change: the fields as given (top level or `changes`). */
export function rolloutChangeBody(request: RolloutChangeRequest): unknown {
  const body = wireFields(request);
  if (body.changes && typeof body.changes === 'object') body.changes = wireFields(body.changes);
  return body;
}

/** POST /approvals/{id}/attach-decision and POST /decisions: the object as given, without `actor_claims`. */
export function objectBody(value: object): unknown {
  const { actor_claims: _claims, ...rest } = value as { actor_claims?: unknown };
  return rest;
}
