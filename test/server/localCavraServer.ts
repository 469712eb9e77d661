// The test server over the local backend in its own temp dir, configured the way a CAVRA API server is:
// policies under <root>/policies, the API's stores (.cavra/api/approvals.json, .cavra/api/inventory.json),
// publish signed with $CAVRA_POLICY_SIGNING_KEY (HS256) or, without one, the digest-keyed SHA256 form,
// OIDC/RBAC through the actor verifier. One engine for both backends is what keeps them one product.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackendError, type ActorContext, type ActorVerifier } from '../../server/src/backend/backend';
import { createLocalBackend, type LocalBackend, type LocalBackendOptions } from '../../server/src/backend/local';
import { CavraTestServer, CONSOLE_ENDPOINTS } from './cavraTestServer';

export interface LocalCavraServerOptions {
  /** Packs copied from test/fixtures/policies into the server's policy root. */
  packs?: string[];
  /** $CAVRA_POLICY_SIGNING_KEY. */
  signingKey?: string;
  /** $CAVRA_APPROVAL_OIDC_CONFIG / $CAVRA_APPROVAL_RBAC_FILE, as a verifier. */
  actorVerifier?: ActorVerifier;
  /** Anything else for the engine (clock, ids, routing file…). */
  backendOptions?: Partial<LocalBackendOptions>;
}

export interface LocalCavraServer {
  server: CavraTestServer;
  engine: LocalBackend;
  /** The server's own state directory. */
  root: string;
  url: string;
  close(): Promise<void>;
}

export function fixturePoliciesDir(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, 'test', 'fixtures', 'policies');
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(`test/fixtures/policies not found above ${__dirname} or ${process.cwd()}`);
}

function permissionsFor(actor: ActorContext | null, authRequired: boolean): { [name: string]: boolean } {
  const verified = actor !== null;
  const may = verified || !authRequired;
  return {
    read_activity: true,
    read_inventory: true,
    read_integrations: true,
    read_evidence_metadata: true,
    decide_approvals: may,
    publish_policy_packs: may,
    create_break_glass: verified ? actor.groups.includes('Change Advisory Board') : !authRequired,
  };
}

export async function startLocalCavraServer(options: LocalCavraServerOptions = {}): Promise<LocalCavraServer> {
  const root = mkdtempSync(join(tmpdir(), 'cavra-test-server-'));
  mkdirSync(join(root, 'policies'), { recursive: true });
  for (const pack of options.packs ?? []) {
    cpSync(join(fixturePoliciesDir(), pack), join(root, 'policies', pack), { recursive: true });
  }
  const verifier = options.actorVerifier;
  const engine = createLocalBackend({
    root,
    policyDir: join(root, 'policies'),
    approvalStore: join(root, '.cavra', 'api', 'approvals.json'),
    inventoryStore: join(root, '.cavra', 'api', 'inventory.json'),
    evidenceLog: join(root, '.cavra', 'api', 'evidence.jsonl'),
    ...(options.signingKey ? { signingKey: options.signingKey } : {}),
    ...(verifier ? { actorVerifier: verifier } : {}),
    ...options.backendOptions,
  });
  const authRequired = verifier?.required === true;
  const server = await CavraTestServer.start({
    engine,
    policyPacks: async () =>
      (await engine.registry.list()).map((p) => ({
        id: p.id,
        title: p.title,
        description: p.description,
        version: p.version,
        policy: p.policy,
      })),
    signingKey: options.signingKey,
    consoleConfig: () => ({
      endpoints: CONSOLE_ENDPOINTS,
      approval_mode: 'json',
      inventory_mode: 'json',
      approval_oidc: verifier?.required ? 'configured' : 'not_configured',
      approval_rbac: verifier?.repositoryPermissions?.length ? 'configured' : 'not_configured',
    }),
    consoleSession: async (authorization) => {
      let actor: ActorContext | null = null;
      if (verifier && authorization) {
        try {
          actor = await verifier.verify({ authorization });
        } catch (e) {
          const err = e as { status?: unknown; detail?: unknown };
          if (typeof err.status === 'number' && typeof err.detail === 'string') throw new BackendError(err.status, err.detail);
          throw e;
        }
      }
      return {
        schema_version: 'cavra.console.session.v1',
        mode: actor ? 'authenticated' : authRequired ? 'auth_required' : 'local_or_demo',
        authenticated: actor !== null,
        auth_required: authRequired,
        actor: actor
          ? {
              actor: actor.actor,
              subject: actor.subject,
              issuer: actor.issuer,
              groups: [...actor.groups],
              repository: actor.repository,
            }
          : null,
        repository_permissions: [...(verifier?.repositoryPermissions ?? [])],
        permissions: permissionsFor(actor, authRequired),
        operator_notes: authRequired
          ? ['Console actions require a verified OIDC actor.']
          : ['OIDC and RBAC are not configured; console actions are not identity-verified.'],
      };
    },
  });
  return {
    server,
    engine,
    root,
    url: server.url,
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
