// What every command needs, handed over once at activation.
import * as vscode from 'vscode';
import type { VirtualDocuments } from '../diff/virtualDocuments';
import type { ApprovalsView } from '../views/approvalsView';
import type { EvidenceView } from '../views/evidenceView';
import type { PacksView } from '../views/packsView';
import type { RolloutsView } from '../views/rolloutsView';
import type { ReportPanels } from '../webview/reportPanel';
import type { WorkflowClient } from '../workflowClient';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  workflows: WorkflowClient;
  panels: ReportPanels;
  virtualDocs: VirtualDocuments;
  log: vscode.LogOutputChannel;
  views: { packs: PacksView; approvals: ApprovalsView; rollouts: RolloutsView; evidence: EvidenceView };
  /** "local backend (workspace)" or "remote backend https://…", for every result. */
  backendName(): Promise<string>;
  refreshAll(): void;
}
