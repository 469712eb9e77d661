// CAVRA's HTTP routes (SPEC 3, 4, 7) mapped onto a `Backend` engine: how each handler reads its body,
// query and Authorization header, as CAVRA's api.py does, and which engine call answers it.
import type { Backend, DraftPayload, PublishSigning } from '../../server/src/backend/backend';
import { BackendError } from '../../server/src/backend/backendError';
import { PyFloat } from '../../server/src/policy/pythonValues';
import { readQueryInt } from './fastapiJson';

export type JsonObject = { [key: string]: unknown };

export interface RouteContext {
  engine: Backend;
  params: string[];
  query: URLSearchParams;
  /** The Authorization header, when the request had one. */
  authorization?: string;
  /** The raw body; `body()` reads it as FastAPI reads `payload: dict = Body(...)`. */
  body(optional?: boolean): JsonObject;
  /** What the server signs published packs with (CAVRA: $CAVRA_POLICY_SIGNING_KEY). */
  signing: PublishSigning;
  consoleSession(): Promise<unknown>;
  consoleConfig(): unknown;
  /** GET /policy-packs: CAVRA's raw registry list; a server given no registry answers 404 as an older CAVRA would. */
  policyPacks?: () => Promise<unknown[]>;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(ctx: RouteContext): Promise<unknown>;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

/** Python floats become plain numbers outside drafts (ttl_hours, coverage_percent, limit…). */
function plain(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Body fields except the draft, with plain numbers; the draft keeps Python floats for str(). */
function fields(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (k !== 'draft') out[k] = plain(v);
  return out;
}

/** CAVRA reads the draft "either as the body itself or under `draft`". */
function draftOf(body: JsonObject): DraftPayload {
  return isObject(body.draft) ? body.draft : body;
}

function credentials(ctx: RouteContext): { authorization?: string } {
  return ctx.authorization !== undefined ? { authorization: ctx.authorization } : {};
}

const id = (ctx: RouteContext) => ctx.params[0];

export const CAVRA_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/policy-pack-catalog$/, handle: (ctx) => ctx.engine.catalog() },
  // CAVRA's raw registry list (SPEC 3.1: `[{id, title, description, version, policy}]`, the YAML as loaded).
  {
    method: 'GET',
    pattern: /^\/policy-packs$/,
    handle: async (ctx) => {
      if (!ctx.policyPacks) throw new BackendError(404, 'Not Found');
      return ctx.policyPacks();
    },
  },
  { method: 'POST', pattern: /^\/policy-packs\/draft$/, handle: (ctx) => ctx.engine.draft({ draft: ctx.body() }) },
  {
    method: 'POST',
    pattern: /^\/policy-packs\/publish-plan$/,
    handle: (ctx) => ctx.engine.publishPlan({ draft: draftOf(ctx.body()) }),
  },
  {
    method: 'POST',
    pattern: /^\/policy-packs\/publish-request$/,
    handle: (ctx) => {
      const body = ctx.body();
      return ctx.engine.publishRequest({ ...fields(body), draft: draftOf(body), ...credentials(ctx) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/policy-packs\/publish$/,
    handle: (ctx) => {
      const body = ctx.body();
      const { signing: _ignored, ...rest } = fields(body);
      return ctx.engine.publish({
        ...rest,
        approval_id: rest.approval_id as string,
        draft: draftOf(body),
        signing: ctx.signing,
        ...credentials(ctx),
      });
    },
  },

  {
    method: 'GET',
    pattern: /^\/approvals$/,
    handle: (ctx) =>
      ctx.engine.listApprovals({
        state: ctx.query.get('state') ?? undefined,
        approver_group: ctx.query.get('approver_group') ?? undefined,
        limit: readQueryInt('limit', ctx.query.get('limit')),
        offset: readQueryInt('offset', ctx.query.get('offset')),
      }),
  },
  {
    method: 'POST',
    pattern: /^\/approvals$/,
    handle: (ctx) => {
      const body = plain(ctx.body()) as JsonObject;
      // `{"decision": …}` or the raw decision itself, whose own fields then serve as options too.
      const decision = isObject(body.decision) ? body.decision : body;
      return ctx.engine.createApproval({
        decision: decision as never,
        approver_group: body.approver_group as string | undefined,
        requested_by: body.requested_by as string | undefined,
        ttl_hours: body.ttl_hours as number | undefined,
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/approvals\/break-glass$/,
    handle: (ctx) => ctx.engine.breakGlass({ ...(plain(ctx.body()) as JsonObject), ...credentials(ctx) } as never),
  },
  { method: 'GET', pattern: /^\/approvals\/([^/]+)$/, handle: (ctx) => ctx.engine.getApproval(id(ctx)) },
  {
    method: 'POST',
    pattern: /^\/approvals\/([^/]+)\/approve$/,
    handle: (ctx) => ctx.engine.approve(id(ctx), { ...(plain(ctx.body()) as JsonObject), ...credentials(ctx) }),
  },
  {
    method: 'POST',
    pattern: /^\/approvals\/([^/]+)\/deny$/,
    handle: (ctx) => ctx.engine.deny(id(ctx), { ...(plain(ctx.body()) as JsonObject), ...credentials(ctx) }),
  },
  {
    method: 'POST',
    pattern: /^\/approvals\/([^/]+)\/expire$/,
    handle: (ctx) => ctx.engine.expire(id(ctx), { ...(plain(ctx.body(true)) as JsonObject), ...credentials(ctx) }),
  },
  {
    method: 'POST',
    pattern: /^\/approvals\/([^/]+)\/attach-decision$/,
    handle: (ctx) => ctx.engine.attachDecision(id(ctx), plain(ctx.body()) as never),
  },

  {
    method: 'POST',
    pattern: /^\/policy-rollouts\/change-plan$/,
    handle: (ctx) => ctx.engine.rolloutChangePlan(plain(ctx.body()) as JsonObject),
  },
  {
    method: 'POST',
    pattern: /^\/policy-rollouts\/apply-change$/,
    handle: (ctx) => ctx.engine.rolloutApplyChange({ ...(plain(ctx.body()) as JsonObject), ...credentials(ctx) }),
  },
  {
    method: 'GET',
    pattern: /^\/policy-rollouts$/,
    handle: (ctx) => {
      const q = (name: string) => ctx.query.get(name) ?? undefined;
      return ctx.engine.listRollouts({
        repository: q('repository'),
        policy_pack: q('policy_pack'),
        state: q('state'),
        mode: q('mode'),
        owner: q('owner'),
      });
    },
  },
  // `{rollout_id:path}`: the id may contain slashes.
  { method: 'GET', pattern: /^\/policy-rollouts\/(.+)$/, handle: (ctx) => ctx.engine.getRollout(id(ctx)) },

  { method: 'POST', pattern: /^\/decisions$/, handle: (ctx) => ctx.engine.evaluate(plain(ctx.body()) as never) },

  { method: 'GET', pattern: /^\/console\/session$/, handle: (ctx) => ctx.consoleSession() },
  { method: 'GET', pattern: /^\/console\/config$/, handle: async (ctx) => ctx.consoleConfig() },
];

/** The route for a method and a decoded path; `allowed` lists the methods of a path that exists. */
export function findRoute(method: string, path: string): { route?: Route; params: string[]; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of CAVRA_ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1), allowed };
    allowed.push(route.method);
  }
  return { params: [], allowed };
}
