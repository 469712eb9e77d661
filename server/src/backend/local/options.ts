// Where the local backend's files are: the options its callers give (the CLI and the workflows read
// CAVRA's environment variables into them) and the paths they resolve to.
import { isAbsolute, join, resolve } from 'node:path';
import { resolvePolicyRoot } from '../../policy/policyRoot';
import type { KeyPins } from '../../policy/keyPins';
import type { ActorVerifier } from '../backend';
import type { LockOptions } from '../store';
import type { PublishHooks } from './publishPair';
import type { SignatureStates } from './signatureStates';
import type { Clock, RandomHex } from './pythonTime';

export interface LocalBackendOptions {
  /** The workspace folder; relative paths below are resolved against it. */
  root: string;
  /** $CAVRA_POLICY_DIR; default `<root>/policies`. */
  policyDir?: string;
  /** $CAVRA_APPROVAL_STORE; default `<root>/.cavra/approvals.json` (CAVRA CLI's default). */
  approvalStore?: string;
  /** $CAVRA_INVENTORY_STORE; default `<root>/.cavra/api/inventory.json` (CAVRA API's default). */
  inventoryStore?: string;
  /** Default `<root>/.cavra/evidence.jsonl`. */
  evidenceLog?: string;
  /** $CAVRA_APPROVAL_ROUTING_FILE / `--routing-file`; default CAVRA's built-in routing rules. */
  routingFile?: string;
  /** $CAVRA_POLICY_SIGNING_KEY: HMAC key for publish when the request brings no signing key. */
  signingKey?: string;
  /** When OIDC or RBAC is configured (backend/actor), mutations need a verified actor. */
  actorVerifier?: ActorVerifier;
  clock?: Clock;
  /** Clock skew tolerance for approval expiry (`cavra.approvals.clockSkewSeconds`, $CAVRA_APPROVAL_CLOCK_SKEW_SECONDS); default 0. */
  approvalClockSkewMs?: number;
  randomHex?: RandomHex;
  lock?: LockOptions;
  /** Published policy files larger than this are not parsed (default 5 MB, the editor's cavra.maxFileSizeMb). */
  maxPolicyBytes?: number;
  /** Trusted `*.public.pem` keys for pack state; default `<root>/.cavra/policy-signing` (CAVRA's keygen folder). */
  keyDirectory?: string;
  /**
   * The pins and revocations that decide which keys count (the editor's user settings, the CLI's
   * flags; default: the environment and the key home's files, read when a pack state is asked).
   */
  keyPins?: () => KeyPins;
  /** Signature states kept between calls; the editor shares one with its diagnostics and invalidates it. */
  signatureStates?: SignatureStates;
  /** Tests only: observe or break a publish between its steps. */
  publishHooks?: PublishHooks;
}

export interface ResolvedPaths {
  root: string;
  policyDir: string;
  approvalStore: string;
  inventoryStore: string;
  evidenceLog: string;
  keyDirectory: string;
  routingFile?: string;
}

export function resolvePaths(opts: LocalBackendOptions): ResolvedPaths {
  const root = resolve(opts.root);
  const at = (p: string | undefined, fallback: string) => (p ? (isAbsolute(p) ? p : resolve(root, p)) : join(root, fallback));
  return {
    root,
    // Callers pass $CAVRA_POLICY_DIR when they honour it; without a policyDir the backend reads no environment.
    policyDir: resolvePolicyRoot({ workspace: root, flag: opts.policyDir, env: {} }),
    approvalStore: at(opts.approvalStore, '.cavra/approvals.json'),
    inventoryStore: at(opts.inventoryStore, '.cavra/api/inventory.json'),
    evidenceLog: at(opts.evidenceLog, '.cavra/evidence.jsonl'),
    keyDirectory: at(opts.keyDirectory, '.cavra/policy-signing'),
    routingFile: opts.routingFile ? at(opts.routingFile, '') : undefined,
  };
}
