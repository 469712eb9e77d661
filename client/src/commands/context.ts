// What every command needs, handed over once at activation.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { VirtualDocuments } from '../diff/virtualDocuments';
import type { ApprovalsView } from '../views/approvalsView';
import type { EvidenceView } from '../views/evidenceView';
import type { PacksView } from '../views/packsView';
import type { RolloutsView } from '../views/rolloutsView';
import type { ReportPanels } from '../webview/reportPanel';
import type { WorkflowClient } from '../workflowClient';
import type { FolderTarget } from '../workspaceFolder';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  workflows: WorkflowClient;
  /** For the language side's own requests (protocol/ruleLocation.ts, effectivePolicy.ts). */
  language: LanguageClient;
  panels: ReportPanels;
  virtualDocs: VirtualDocuments;
  log: vscode.LogOutputChannel;
  views: { packs: PacksView; approvals: ApprovalsView; rollouts: RolloutsView; evidence: EvidenceView };
  /** "local backend (folder)" or "remote backend https://…", for every result; of the folder a workflow acted on. */
  backendName(folder?: FolderTarget): Promise<string>;
  refreshAll(): void;
}
