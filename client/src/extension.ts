// Activation: start the language server, claim policy files, register views and commands.
// Everything that does work lives in the server; this file only wires the pieces together.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { KeyTrustChangedNotification, StoreChangedNotification } from '../../server/src/protocol';
import { ActorTokens } from './commands/actorToken';
import { evaluateAction } from './commands/evaluateAction';
import {
  attachDecision,
  decideApproval,
  expireApproval,
  expireOverdueApprovals,
  showApproval,
} from './commands/approvalCommands';
import { breakGlass } from './commands/breakGlass';
import type { CommandContext } from './commands/context';
import { createPack } from './commands/createPack';
import { diffPublished, planPublish, previewDraft, requestPublishApproval } from './commands/draftCommands';
import { EffectivePolicyDocuments, showEffectivePolicy } from './commands/effectivePolicy';
import { verifyEvidence } from './commands/evidenceCommands';
import { exportEvidenceBundle } from './commands/exportEvidenceBundle';
import { openWalkthrough } from './commands/openWalkthrough';
import { chooseDecisionLog } from './commands/chooseDecisionLog';
import { copyPackSummary, showPackHistory } from './commands/packHistory';
import { publishSigned } from './commands/publishSigned';
import { sendStoredToken, setRemoteToken } from './commands/remoteToken';
import { applyRolloutChange, diffRolloutPlan, planRolloutChange } from './commands/rolloutCommands';
import { requestRolloutApproval } from './commands/rolloutApproval';
import { filterApprovals } from './commands/filterApprovals';
import { VirtualDocuments } from './diff/virtualDocuments';
import { registerDecisionTests } from './decisionTests';
import { claimPolicyFiles } from './policyFiles';
import { policyRootOf } from './policyRoot';
import { PolicyStatusBar } from './statusBar';
import { maskedChannel } from './traceMask';
import { ApprovalsView } from './views/approvalsView';
import { ApproverInbox, approvalsTreeWithInbox } from './approverInbox';
import { watchPrivateKeyWarnings } from './privateKeyWarnings';
import { EvidenceView } from './views/evidenceView';
import { PacksView } from './views/packsView';
import { RolloutsView } from './views/rolloutsView';
import { ReportPanels } from './webview/reportPanel';
import { WorkflowClient } from './workflowClient';

let client: LanguageClient | undefined;

function serverSettings() {
  const c = vscode.workspace.getConfiguration('cavra');
  return {
    policyRoot: c.get('policyRoot'),
    maxFileSizeMb: c.get('maxFileSizeMb'),
    diagnostics: { workspace: c.get('diagnostics.workspace') },
    trusted: vscode.workspace.isTrusted,
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('CAVRA Policy Studio', { log: true });
  context.subscriptions.push(log);
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'cavra-policy' }],
    outputChannel: log,
    traceOutputChannel: maskedChannel(log),
    initializationOptions: () => serverSettings(),
    synchronize: { configurationSection: ['cavra', 'http'] },
    // Pull on every change and save: the server says a child depends on its parents
    // (interFileDependencies) and asks for a refresh when a parent changes.
    diagnosticPullOptions: { onChange: true, onSave: true },
    // A rule's hover links to "What would CAVRA decide?" for a sample target: that one command, nothing else.
    markdown: { isTrusted: { enabledCommands: ['cavra.evaluateAction'] } },
  };
  client = new LanguageClient('cavraPolicy', vscode.l10n.t('CAVRA Policy Language Server'), serverOptions, clientOptions);
  const lc = client;
  const workflows = new WorkflowClient(lc, log);
  const actorTokens = new ActorTokens(context.secrets, workflows);
  workflows.actorGuard = actorTokens.guard;
  const panels = new ReportPanels(context.extensionUri);
  const virtualDocs = new VirtualDocuments();
  const effectiveDocs = new EffectivePolicyDocuments(lc, () => workflows.ready);
  const views = {
    packs: new PacksView(workflows, (folder, id) =>
      folder ? vscode.Uri.joinPath(policyRootOf(folder.uri), id, 'policy.yaml') : undefined,
    ),
    approvals: new ApprovalsView(workflows),
    rollouts: new RolloutsView(workflows),
    evidence: new EvidenceView(workflows),
  };
  // The approver's inbox: my groups from the settings and from the verified actor token.
  const inbox = new ApproverInbox(workflows, actorTokens.tokenGroups);
  const statusBar = new PolicyStatusBar(lc, workflows);
  const refreshAll = () => {
    for (const v of Object.values(views)) v.refresh();
    statusBar.refresh();
  };
  const ctx: CommandContext = {
    extension: context,
    workflows,
    language: lc,
    panels,
    virtualDocs,
    log,
    views,
    refreshAll,
    backendName: async (folder) => {
      const info = await workflows.call('backendInfo', folder?.params ?? {}).catch(() => null);
      return info ? `${info.kind} backend (${info.location})` : 'backend unknown';
    },
  };

  context.subscriptions.push(
    panels,
    virtualDocs,
    effectiveDocs,
    statusBar,
    claimPolicyFiles(),
    ...Object.values(views),
    vscode.window.registerTreeDataProvider('cavra.packs', views.packs),
    approvalsTreeWithInbox(views.approvals, inbox),
    inbox,
    actorTokens,
    actorTokens.onDidChangeGroups(() => void inbox.start()),
    vscode.window.registerTreeDataProvider('cavra.rollouts', views.rollouts),
    vscode.window.registerTreeDataProvider('cavra.evidence', views.evidence),
  );

  // VS Code passes command arguments untyped; each command checks what it reads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registerCommand's own callback type
  const register = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  register('cavra.openWalkthrough', () => openWalkthrough(context));
  register('cavra.showRuleCounts', () => statusBar.showDetails());
  register('cavra.restartServer', async () => {
    await lc.restart();
    log.info('language server restarted');
  });
  register('cavra.refreshViews', refreshAll);
  register('cavra.createPack', (arg?: unknown) => createPack(arg));
  register('cavra.showEffectivePolicy', (arg?: unknown) => showEffectivePolicy(effectiveDocs, arg));
  register('cavra.previewDraft', (arg?: unknown) => previewDraft(ctx, arg));
  register('cavra.planPublish', (arg?: unknown) => planPublish(ctx, arg));
  register('cavra.diffPublished', (arg?: unknown) => diffPublished(ctx, arg));
  register('cavra.requestPublishApproval', (arg?: unknown) => requestPublishApproval(ctx, arg));
  register('cavra.publishSigned', (arg?: unknown) => publishSigned(ctx, arg));
  register('cavra.approve', (arg?: unknown) => decideApproval(ctx, 'approve', arg));
  register('cavra.deny', (arg?: unknown) => decideApproval(ctx, 'deny', arg));
  register('cavra.expire', (arg?: unknown) => expireApproval(ctx, arg));
  register('cavra.expireOverdue', () => expireOverdueApprovals(ctx));
  register('cavra.attachDecision', (arg?: unknown) => attachDecision(ctx, arg));
  register('cavra.showApproval', (id?: string, folder?: string) => showApproval(ctx, id, folder));
  register('cavra.breakGlass', (arg?: unknown) => breakGlass(ctx, arg));
  register('cavra.evaluateAction', (arg?: unknown) => evaluateAction(ctx, arg));
  register('cavra.planRolloutChange', (arg?: Parameters<typeof planRolloutChange>[1], folder?: unknown) =>
    planRolloutChange(ctx, arg, folder),
  );
  register('cavra.applyRolloutChange', (arg?: Parameters<typeof applyRolloutChange>[1]) => applyRolloutChange(ctx, arg));
  register('cavra.requestRolloutApproval', (arg?: Parameters<typeof requestRolloutApproval>[1]) =>
    requestRolloutApproval(ctx, arg),
  );
  register(
    'cavra.diffRolloutPlan',
    (before: Parameters<typeof diffRolloutPlan>[1], after: Parameters<typeof diffRolloutPlan>[2]) =>
      diffRolloutPlan(ctx, before, after),
  );
  register('cavra.verifyEvidence', (arg?: unknown) => verifyEvidence(ctx, arg));
  register('cavra.exportEvidenceBundle', (arg?: unknown) => exportEvidenceBundle(ctx, arg));
  register('cavra.showPackHistory', (arg?: unknown) => showPackHistory(ctx, arg));
  register('cavra.copyPackSummary', (markdown?: unknown) => copyPackSummary(markdown));
  register('cavra.setRemoteToken', () => setRemoteToken(context.secrets, lc));
  register('cavra.setActorToken', (arg?: unknown) => actorTokens.setToken(arg));
  register('cavra.showVerifiedActor', (arg?: unknown) => actorTokens.showActor(arg));
  register('cavra.filterApprovals', () => filterApprovals(views.approvals));
  register('cavra.chooseDecisionLog', (arg?: unknown) => chooseDecisionLog(arg));

  // The views also follow the files: a saved policy (its signature state may have changed), and
  // changes made outside the editor (the CLI, git, another window) to packs, signatures or the stores.
  // Debounced: a publish or a checkout touches several files at once.
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      refreshAll();
      // A store written by another process (CAVRA's CLI, a teammate's pull) is news for the inbox too.
      inbox.lookLocal();
    }, 300);
  };
  // One pair of watchers per workspace folder (its own policy root and store), made again when folders
  // are added or removed or a folder's policy root changes.
  let watchers: vscode.Disposable[] = [];
  const watchFolders = () => {
    for (const d of watchers) d.dispose();
    watchers = (vscode.workspace.workspaceFolders ?? []).flatMap((f) => {
      const made = [
        vscode.workspace.createFileSystemWatcher(
          new vscode.RelativePattern(policyRootOf(f.uri), '*/{policy.yaml,policy.yaml.sig.json}'),
        ),
        vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(f, '.cavra/**')),
      ];
      return made.flatMap((w) => [w, w.onDidCreate(refreshSoon), w.onDidChange(refreshSoon), w.onDidDelete(refreshSoon)]);
    });
  };
  watchFolders();
  context.subscriptions.push(
    {
      dispose: () => {
        for (const d of watchers) d.dispose();
      },
    },
    // The language client tells the server (workspace/didChangeWorkspaceFolders); the views follow here.
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      watchFolders();
      refreshSoon();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cavra.policyRoot')) {
        watchFolders();
        refreshSoon();
      }
    }),
    { dispose: () => clearTimeout(refreshTimer) },
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'cavra-policy') refreshSoon();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void lc.restart().then(() => refreshAll())),
    context.secrets.onDidChange((e) => {
      if (e.key === 'cavra.remote.token') void sendStoredToken(context.secrets, lc);
      if (e.key.startsWith('cavra.actor.token:')) void actorTokens.refreshGroups();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cavra.auth')) void actorTokens.refreshGroups();
    }),
  );

  // Activation returns at once: the server starts in the background and workflow calls wait for it.
  workflows.ready = lc.start().then(async () => {
    void vscode.commands.executeCommand('setContext', 'cavra.active', true);
    lc.onNotification(StoreChangedNotification, () => refreshAll());
    // Pins changed in the key home (cavra-policy keys pin|revoke): the packs' signature states did too.
    lc.onNotification(KeyTrustChangedNotification, () => refreshAll());
    await sendStoredToken(context.secrets, lc);
    refreshAll();
    void inbox.start();
    // The stored actor tokens' verified groups join "Waiting for me" (the inbox looks again if any).
    void actorTokens.refreshGroups();
  });
  workflows.ready.catch((e: unknown) => log.error(`The CAVRA language server did not start: ${(e as Error).message}`));
  context.subscriptions.push(registerDecisionTests(workflows, log));
  context.subscriptions.push(watchPrivateKeyWarnings(workflows, context.extensionUri));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
