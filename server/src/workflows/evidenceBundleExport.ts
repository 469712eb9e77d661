// The editor's Export Evidence Bundle: the folder's settings (policy root, key directory) mapped onto
// the export the CLI's `bundle export` runs, its refusals as workflow errors.
import { isAbsolute } from 'node:path';
import { BundleExportError } from '../provenance/evidenceBundle';
import { exportEvidenceBundle } from '../provenance/bundleExport';
import type { ExportEvidenceBundleParams, ExportEvidenceBundleResult } from '../protocol/evidenceBundle';
import { WorkflowError, type WorkflowEnvironment } from './workflowEnvironment';
import { signingKeyDirectory, workflowPolicyRoot } from './workspaceSettings';

export async function exportBundle(e: WorkflowEnvironment, p: ExportEvidenceBundleParams): Promise<ExportEvidenceBundleResult> {
  if (typeof p.output_path !== 'string' || !isAbsolute(p.output_path))
    throw new WorkflowError(400, `output_path must be an absolute file path, got ${JSON.stringify(p.output_path ?? null)}`);
  try {
    return await exportEvidenceBundle(
      e.backend,
      {
        packId: String(p.policy_id ?? ''),
        policyDir: workflowPolicyRoot(e.settings, e.folder),
        keyDirectory: signingKeyDirectory(e.settings, e.folder),
        workspace: e.folder,
      },
      p.output_path,
    );
  } catch (error) {
    if (error instanceof BundleExportError) throw new WorkflowError(400, error.message);
    throw error;
  }
}
