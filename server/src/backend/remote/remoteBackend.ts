// `Backend` over a CAVRA server's HTTP API (SPEC 3, 4, 7). Results are CAVRA's response bodies as
// sent, nothing added; `describe()` says which backend answered. Failures are RemoteBackendError
// (remoteErrors.ts); reads are retried with backoff, mutations never.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type {
  ApprovalCreateRequest, ApprovalDecisionRequest, ApprovalExpireRequest, ApprovalList, ApprovalListQuery,
  ApprovalRecord, Backend, BreakGlassRequest, Decision, DecisionWithApproval, DraftRequest, EvaluateRequest, EvidenceList,
  PackState, PackStateRequest, PolicyPackCatalog, PublishedPack, PolicyPackDraft, PolicyRolloutRecord, PublishPlan, PublishPlanRequest, PublishRequest,
  PublishRequestRequest, PublishRequestResult, PublishResult, RolloutChangePlan, RolloutChangeRequest,
  RolloutChangeResult, RolloutList, RolloutListQuery,
} from '../backend';
import { capabilitiesOf, type ConsoleConfig, type ConsoleSession, type RemoteCapabilities } from './console';
import { HttpTransport, type CallSpec } from './httpTransport';
import { remoteEvidence, remotePackState, remotePublishedPack } from './packState';
import { parseProxyUrl, ProxyConfigError, type Env } from './proxy';
import { RemoteBackendError } from './remoteErrors';
import * as bodies from './requestBodies';

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_READ_RETRIES = 2;
export const DEFAULT_RETRY_BASE_MS = 250;
export const DEFAULT_RETRY_MAX_MS = 4_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_AUTH_HINT =
  'Set or refresh the CAVRA API token (VS Code: the "CAVRA: Set Remote Token" command keeps it in SecretStorage; CLI: export it in the variable named by --token-env).';

/** Where the token comes from: a value, or a function asked before every call (SecretStorage, env). */
export type TokenSource = string | undefined | (() => string | undefined | Promise<string | undefined>);

export interface RemoteBackendOptions {
  /** The CAVRA server's base URL, http:// or https://, optionally with a path prefix. No credentials. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`; never logged, never in an error. */
  token?: TokenSource;
  /** Time limit per attempt, connect to last byte. Default 15 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for GET requests after a transient failure. Default 2; mutations are never retried. */
  retries?: number;
  /** First backoff delay; doubles per retry up to `retryMaxMs`, with jitter. Defaults 250 / 4 000 ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Answers larger than this are refused. Default 16 MiB. */
  maxResponseBytes?: number;
  /** `http://[user:pass@]host:port` forces a proxy, `false` disables proxies; default HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxy?: string | false;
  /** A PEM file of extra certificate authorities to trust (besides Node's list and NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  /** PEM text of extra certificate authorities (same as caFile, for callers that hold the text). */
  ca?: string;
  /** Environment for proxy variables and NODE_EXTRA_CA_CERTS; default process.env. */
  env?: Env;
  userAgent?: string;
  /** What a 401 message tells the user to do. */
  authHint?: string;
  /** One line per call and per retry; the token never appears in it. */
  log?: (line: string) => void;
  /** Waits between read retries; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BackendDescription {
  kind: 'remote';
  /** The server's base URL as configured (no credentials). */
  url: string;
}

function configError(detail: string): RemoteBackendError {
  return new RemoteBackendError({ kind: 'config', status: 0, detail, message: `CAVRA remote backend: ${detail}` });
}

function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw configError(`the server URL "${raw}" is not a URL (expected e.g. https://cavra.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(`the server URL must start with http:// or https:// (got ${url.protocol})`);
  }
  if (url.username || url.password) {
    throw configError('the server URL must not contain credentials; keep the token in the token setting (SecretStorage) or its environment variable');
  }
  if (url.search || url.hash) throw configError('the server URL must not contain a query or a fragment');
  return url;
}

/** Node's CA list plus NODE_EXTRA_CA_CERTS plus the given PEM: giving `ca` to TLS replaces the defaults. */
function trustedCas(options: RemoteBackendOptions, env: Env): string[] | undefined {
  const extra: string[] = [];
  if (options.caFile) {
    try {
      extra.push(readFileSync(options.caFile, 'utf8'));
    } catch (e) {
      throw configError(`the CA file ${options.caFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  if (options.ca) extra.push(options.ca);
  if (extra.length === 0) return undefined;
  if (!extra.every((pem) => pem.includes('-----BEGIN CERTIFICATE-----'))) {
    throw configError(`the CA ${options.caFile ? `file ${options.caFile}` : 'text'} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  const fromEnv: string[] = [];
  if (env.NODE_EXTRA_CA_CERTS) {
    try {
      fromEnv.push(readFileSync(env.NODE_EXTRA_CA_CERTS, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  return [...tls.rootCertificates, ...fromEnv, ...extra];
}

function query(params: { [key: string]: string | number | undefined } | undefined): string {
  if (!params) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const segment = encodeURIComponent;
/** Rollout ids may contain `/` (CAVRA's route is `{rollout_id:path}`): each part is encoded alone. */
const pathSegments = (id: string) => id.split('/').map(segment).join('/');

export class RemoteBackend implements Backend {
  private readonly transport: HttpTransport;
  private readonly display: string;
  private readonly tokenSource: TokenSource;

  constructor(options: RemoteBackendOptions) {
    const url = parseServerUrl(options.url);
    const env = options.env ?? process.env;
    if (typeof options.proxy === 'string' && options.proxy) {
      try {
        parseProxyUrl(options.proxy);
      } catch (e) {
        if (e instanceof ProxyConfigError) throw configError(`proxy setting: ${e.message}`);
        throw e;
      }
    }
    this.display = url.href.replace(/\/+$/, '');
    this.tokenSource = options.token;
    const positive = (value: number | undefined, fallback: number) => (value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback);
    this.transport = new HttpTransport({
      baseUrl: url,
      display: this.display,
      timeoutMs: positive(options.timeoutMs, DEFAULT_TIMEOUT_MS),
      retries: Math.min(10, Math.max(0, Math.floor(options.retries ?? DEFAULT_READ_RETRIES))),
      retryBaseMs: positive(options.retryBaseMs, DEFAULT_RETRY_BASE_MS),
      retryMaxMs: positive(options.retryMaxMs, DEFAULT_RETRY_MAX_MS),
      maxResponseBytes: positive(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
      proxy: options.proxy,
      env,
      ca: trustedCas(options, env),
      userAgent: options.userAgent ?? 'cavra-policy-studio',
      authHint: options.authHint ?? DEFAULT_AUTH_HINT,
      log: options.log,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
  }

  /** Which backend answers: shown in the status bar and beside every result. */
  describe(): BackendDescription {
    return { kind: 'remote', url: this.display };
  }

  private async authorization(): Promise<string | undefined> {
    const source = this.tokenSource;
    const token = typeof source === 'function' ? await source() : source;
    const trimmed = token?.trim();
    return trimmed ? `Bearer ${trimmed}` : undefined;
  }

  private async get<T>(path: string): Promise<T> {
    const spec: CallSpec = { method: 'GET', path, authorization: await this.authorization() };
    return (await this.transport.call(spec)) as T;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const spec: CallSpec = { method: 'POST', path, body: bodies.encodeJson(body), authorization: await this.authorization() };
    return (await this.transport.call(spec)) as T;
  }

  // Console -----------------------------------------------------------------------------------------

  /** GET /console/session: who the token says the caller is, and what they may do. */
  async session(): Promise<ConsoleSession> {
    return this.get('/console/session');
  }

  /** GET /console/config: the endpoints and modes the server has. */
  async consoleConfig(): Promise<ConsoleConfig> {
    return this.get('/console/config');
  }

  async capabilities(): Promise<RemoteCapabilities> {
    const [config, session] = await Promise.all([this.consoleConfig(), this.session()]);
    return capabilitiesOf(config, session);
  }

  // Policy packs ------------------------------------------------------------------------------------

  async catalog(): Promise<PolicyPackCatalog> {
    return this.get('/policy-pack-catalog');
  }

  async draft(request: DraftRequest): Promise<PolicyPackDraft> {
    return this.post('/policy-packs/draft', bodies.draftBody(request));
  }

  async publishPlan(request: PublishPlanRequest): Promise<PublishPlan> {
    return this.post('/policy-packs/publish-plan', bodies.publishPlanBody(request));
  }

  async publishRequest(request: PublishRequestRequest): Promise<PublishRequestResult> {
    return this.post('/policy-packs/publish-request', bodies.publishRequestBody(request));
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    return this.post('/policy-packs/publish', bodies.publishBody(request));
  }

  // Approvals ---------------------------------------------------------------------------------------

  async listApprovals(q?: ApprovalListQuery): Promise<ApprovalList> {
    return this.get(`/approvals${query(q ? { state: q.state, approver_group: q.approver_group, limit: q.limit, offset: q.offset } : undefined)}`);
  }

  async getApproval(approvalId: string): Promise<ApprovalRecord> {
    return this.get(`/approvals/${segment(approvalId)}`);
  }

  async createApproval(request: ApprovalCreateRequest): Promise<ApprovalRecord> {
    return this.post('/approvals', bodies.approvalCreateBody(request));
  }

  async approve(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    return this.post(`/approvals/${segment(approvalId)}/approve`, bodies.approvalDecisionBody(request));
  }

  async deny(approvalId: string, request: ApprovalDecisionRequest): Promise<ApprovalRecord> {
    return this.post(`/approvals/${segment(approvalId)}/deny`, bodies.approvalDecisionBody(request));
  }

  async expire(approvalId: string, request?: ApprovalExpireRequest): Promise<ApprovalRecord> {
    return this.post(`/approvals/${segment(approvalId)}/expire`, bodies.approvalDecisionBody(request));
  }

  async attachDecision(approvalId: string, decision: Decision): Promise<DecisionWithApproval> {
    return this.post(`/approvals/${segment(approvalId)}/attach-decision`, bodies.objectBody(decision));
  }

  async breakGlass(request: BreakGlassRequest): Promise<ApprovalRecord> {
    return this.post('/approvals/break-glass', bodies.breakGlassBody(request));
  }

  // Rollouts ----------------------------------------------------------------------------------------

  async rolloutChangePlan(request: RolloutChangeRequest): Promise<RolloutChangePlan> {
    return this.post('/policy-rollouts/change-plan', bodies.rolloutChangeBody(request));
  }

  async rolloutApplyChange(request: RolloutChangeRequest): Promise<RolloutChangeResult> {
    return this.post('/policy-rollouts/apply-change', bodies.rolloutChangeBody(request));
  }

  async listRollouts(q?: RolloutListQuery): Promise<RolloutList> {
    return this.get(`/policy-rollouts${query(q ? { repository: q.repository, policy_pack: q.policy_pack, state: q.state, mode: q.mode, owner: q.owner } : undefined)}`);
  }

  async getRollout(rolloutId: string): Promise<PolicyRolloutRecord> {
    return this.get(`/policy-rollouts/${pathSegments(rolloutId)}`);
  }

  // Decisions ---------------------------------------------------------------------------------------

  async evaluate(request: EvaluateRequest): Promise<Decision> {
    return this.post('/decisions', bodies.objectBody(request));
  }

  // What the server reports about published packs (packState.ts): the catalog, nothing more.
  async packState(request: PackStateRequest): Promise<PackState> {
    return remotePackState(request, () => this.catalog(), this.display);
  }

  async publishedPack(policyId: string): Promise<PublishedPack> {
    return remotePublishedPack(policyId);
  }

  async listEvidence(): Promise<EvidenceList> {
    return remoteEvidence();
  }
}
