// Where a folder's local approval store is (`.cavra/approvals.json`, or the configured store): the
// references' approvals read it, and the client's inbox watches it (told through backendInfo).
// A remote backend keeps its approvals on the server: no path.
import { resolvePaths } from '../backend/local';
import { workflowBackendConfig } from './backendFactory';
import type { WorkflowSettings } from './workspaceSettings';

export function localApprovalStorePath(settings: WorkflowSettings, folder: string): string | undefined {
  const config = workflowBackendConfig(settings, folder, () => null);
  if (typeof config === 'string' || config.kind !== 'local') return undefined;
  return resolvePaths(config).approvalStore;
}
