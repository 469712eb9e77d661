// What every local endpoint works on: the workspace's stores and evidence log, the clock, and the
// verified actor of a mutation (CAVRA's 401 when one is required and missing).
import { BackendError, type ActorContext, type ActorCredentials } from '../backend';
import { EvidenceLog, type EvidenceEntry } from '../evidence';
import { evidencePath, needsPathsSwitch, pathsSwitchEntry } from './evidencePaths';
import { ApprovalStore } from './approvalStore';
import { InventoryStore } from './inventoryStore';
import { resolvePaths, type LocalBackendOptions, type ResolvedPaths } from './options';
import { PolicyRegistry } from './policyRegistry';
import { SignatureStates } from './signatureStates';
import { pyIsoformat, systemClock, systemRandomHex, type Clock, type RandomHex } from './pythonTime';

export class LocalWorkspace {
  readonly paths: ResolvedPaths;
  readonly registry: PolicyRegistry;
  readonly approvals: ApprovalStore;
  readonly inventory: InventoryStore;
  readonly evidence: EvidenceLog;
  readonly clock: Clock;
  readonly randomHex: RandomHex;
  /** Signature checks kept between calls (shared with the editor's diagnostics when it passes one). */
  readonly signatures: SignatureStates;

  constructor(readonly options: LocalBackendOptions) {
    this.paths = resolvePaths(options);
    this.clock = options.clock ?? systemClock;
    this.randomHex = options.randomHex ?? systemRandomHex;
    this.registry = new PolicyRegistry(this.paths.policyDir, options.lock, options.maxPolicyBytes);
    this.approvals = new ApprovalStore(this.paths.approvalStore, options.lock);
    this.inventory = new InventoryStore(this.paths.inventoryStore, options.lock);
    this.evidence = new EvidenceLog(this.paths.evidenceLog, { now: () => this.now(), lock: options.lock });
    this.signatures = options.signatureStates ?? new SignatureStates();
  }

  /** How far past `expires_at` an approval may be before it counts as overdue (policy/approvalExpiry.ts). */
  get clockSkewMs(): number {
    return this.options.approvalClockSkewMs ?? 0;
  }

  now(): string {
    return pyIsoformat(this.clock());
  }

  /** What approval records are stamped with. */
  get records() {
    return { clock: this.clock, randomHex: this.randomHex };
  }

  /** The verified actor of a mutation, or null; CAVRA's 401 when one is required and missing. */
  async actor(credentials: ActorCredentials): Promise<ActorContext | null> {
    const verifier = this.options.actorVerifier;
    // Without a verifier, presented claims are ignored: unverified claims are never trusted.
    if (!verifier) return null;
    let ctx: ActorContext | null;
    try {
      ctx = await verifier.verify({
        actor_claims: credentials.actor_claims,
        actor_token: credentials.actor_token,
        authorization: credentials.authorization,
      });
    } catch (error) {
      const e = error as { status?: unknown; detail?: unknown; message?: string };
      if (typeof e.status === 'number' && typeof e.detail === 'string') throw new BackendError(e.status, e.detail);
      throw error;
    }
    if (!ctx && verifier.required) throw new BackendError(401, 'console action requires verified actor context');
    return ctx;
  }

  /** The RBAC file's repository permissions, for the approval rules. */
  get permissions() {
    return this.options.actorVerifier?.repositoryPermissions ?? [];
  }

  /** Set once this workspace has made sure the log records the switch to relative paths (evidencePaths.ts). */
  private pathsSwitchChecked = false;

  async record(entry: EvidenceEntry): Promise<void> {
    if (this.pathsSwitchChecked) {
      await this.evidence.append(entry);
      return;
    }
    await this.evidence.appendWith(entry, { needed: needsPathsSwitch, entry: pathsSwitchEntry(this.paths.root) });
    this.pathsSwitchChecked = true;
  }

  /** A path as evidence records name it: relative to the workspace. */
  evidencePath(file: string): string {
    return evidencePath(this.paths.root, file);
  }

  /** Records a change already made; a failure says the change stands but is not in the evidence log. */
  async recordAfter(done: string, entry: EvidenceEntry): Promise<void> {
    try {
      await this.record(entry);
    } catch (error) {
      throw new BackendError(
        500,
        `${done}, but recording it failed: ${error instanceof BackendError ? error.detail : (error as Error).message}`,
      );
    }
  }
}
