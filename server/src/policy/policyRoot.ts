// Where a workspace's policy packs live. One rule for the language server, the workflows, the CLI and
// the VS Code client, so that all of them and CAVRA's own tools read the same packs.
import { resolve } from 'node:path';

/** CAVRA's default policy root, a folder of the workspace (also `cavra.policyRoot`'s default). */
export const DEFAULT_POLICY_ROOT = 'policies';

export interface PolicyRootSources {
  /** The workspace folder: `policies` and a relative setting are found in it. */
  readonly workspace: string;
  /** A command-line flag (`--policy-dir`): wins when given. */
  readonly flag?: string;
  /** The `cavra.policyRoot` setting: wins when changed from its default. */
  readonly setting?: string;
  /** The environment CAVRA's tools read `CAVRA_POLICY_DIR` from. */
  readonly env: { readonly CAVRA_POLICY_DIR?: string };
  /** The folder a relative flag or `$CAVRA_POLICY_DIR` is taken from (a command line's current folder); default `workspace`. */
  readonly cwd?: string;
}

/**
 * The policy root, as an absolute path: the flag, else the setting when not its default, else
 * `$CAVRA_POLICY_DIR`, else `policies` in the workspace.
 */
export function resolvePolicyRoot(sources: PolicyRootSources): string {
  const { workspace, flag, setting, env } = sources;
  const cwd = sources.cwd ?? workspace;
  if (flag) return resolve(cwd, flag);
  if (setting && setting !== DEFAULT_POLICY_ROOT) return resolve(workspace, setting);
  if (env.CAVRA_POLICY_DIR) return resolve(cwd, env.CAVRA_POLICY_DIR);
  return resolve(workspace, DEFAULT_POLICY_ROOT);
}
