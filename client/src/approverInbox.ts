// An approver's inbox: the pending, current approvals routed to my approver groups, per workspace
// folder. It feeds the Approvals view's "Waiting for me" section and its badge, and announces each new
// one with Review / Approve / Deny. Local mode watches the folder's approval store (the server names
// the file in backendInfo); remote mode polls the server, never more than once per interval, backing
// off while the server fails and pausing while the window is unfocused. The rules (my groups, waiting,
// new since the last look, the schedule) are pure: server/src/policy/approvalInbox.ts via the protocol.
import * as vscode from 'vscode';
import {
  myApproverGroups,
  newSinceLastLook,
  nextPollAt,
  pollSeconds,
  waitingForMe,
  type ApprovalRecord,
} from '../../server/src/protocol';
import type { ApprovalNode, InboxSource } from './views/approvalsView';
import type { WorkflowClient } from './workflowClient';
import { folderTarget } from './workspaceFolder';

type Folder = vscode.WorkspaceFolder | undefined;

/**
 * The groups a verified actor token says I am in, when one is set for the folder (ActorTokens in
 * client/src/commands/actorToken.ts: the server's verdict on the stored token, not its raw claims).
 */
export type TokenGroups = (folder: Folder) => readonly string[] | undefined;

interface FolderInbox {
  waiting: ApprovalRecord[];
  seen: Set<string> | undefined;
  /** Why the last look failed, shown in the view instead of a stale list. */
  error?: string;
  /** When the last successful look ended; until the first, "(0)" would be a guess, so the view says it is looking. */
  lookedAt?: number;
  watcher?: vscode.Disposable;
  timer?: NodeJS.Timeout;
  lastPoll?: number;
  failures: number;
  remote: boolean;
  /** backendInfo failed: the next scheduled look starts the inbox over instead of looking. */
  unknownBackend?: boolean;
}

const keyOf = (folder: Folder) => folder?.uri.toString() ?? '';

/** What the view shows of a folder's inbox: whether it has looked, why it failed, which approvals wait. */
const shape = (inbox: FolderInbox) =>
  JSON.stringify([inbox.lookedAt === undefined, inbox.error ?? null, inbox.waiting.map((a) => `${a.approval_id}:${a.state}`)]);

function skewMs(folder: Folder): number {
  const s = vscode.workspace.getConfiguration('cavra', folder?.uri).get<number>('approvals.clockSkewSeconds') ?? 0;
  return typeof s === 'number' && s >= 0 ? s * 1000 : 0;
}

export class ApproverInbox implements vscode.Disposable, InboxSource {
  private folders = new Map<string, FolderInbox>();
  private changed = new vscode.EventEmitter<void>();
  /** Fires after a look changed what waits (the view refreshes its section and badge). */
  readonly onDidChange = this.changed.event;
  private subscriptions: vscode.Disposable[] = [];
  /** Each start() counts; a start overtaken by a later one (settings changed meanwhile) stops. */
  private generation = 0;

  constructor(
    private workflows: WorkflowClient,
    private tokenGroups: TokenGroups = () => undefined,
  ) {
    this.subscriptions.push(
      vscode.window.onDidChangeWindowState((s) => {
        // Unfocused: remote polls stop; focused again: each folder polls once its next time has come.
        for (const [key, inbox] of this.folders) if (inbox.remote) this.schedule(this.folderOf(key), inbox, s.focused);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cavra.approvals') || e.affectsConfiguration('cavra.backend')) void this.start();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.start()),
    );
  }

  /** My groups in a folder; a bad setting is reported in the view, not thrown at the user. */
  groups(folder: Folder): string[] {
    const config = vscode.workspace.getConfiguration('cavra', folder?.uri);
    return myApproverGroups(
      config.get('approvals.myApproverGroups'),
      config.get('approvals.myApproverGroup'),
      this.tokenGroups(folder),
    );
  }

  /** What waits for me in a folder (as of the last look), or why it could not be looked at. */
  waiting(folder: Folder): { items: ApprovalRecord[]; error?: string; lookedAt?: number } {
    const inbox = this.folders.get(keyOf(folder));
    return { items: inbox?.waiting ?? [], error: inbox?.error, lookedAt: inbox?.lookedAt };
  }

  /** How many approvals wait for me across all folders (the view's badge). */
  total(): number {
    return [...this.folders.values()].reduce((n, f) => n + f.waiting.length, 0);
  }

  /** (Re)starts watching or polling every folder; called at activation and when settings change. */
  async start(): Promise<void> {
    this.stopAll();
    const generation = ++this.generation;
    const folders: Folder[] = vscode.workspace.workspaceFolders?.length ? [...vscode.workspace.workspaceFolders] : [undefined];
    for (const folder of folders) {
      const inbox: FolderInbox = { waiting: [], seen: undefined, failures: 0, remote: false };
      this.folders.set(keyOf(folder), inbox);
      try {
        const info = await this.workflows.call('backendInfo', folderTarget(folder).params);
        inbox.remote = info.kind === 'remote';
        if (info.approval_store) {
          const store = vscode.Uri.file(info.approval_store);
          const parent = vscode.Uri.joinPath(store, '..');
          const name = store.path.split('/').pop() ?? 'approvals.json';
          const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(parent, name));
          const look = () => void this.look(folder);
          inbox.watcher = vscode.Disposable.from(w, w.onDidCreate(look), w.onDidChange(look), w.onDidDelete(look));
        }
      } catch (e) {
        // Not knowing the backend, the folder is neither watched nor polled: ask again later (backing
        // off like a failed poll) instead of settling on a guess.
        inbox.error = (e as Error).message;
        inbox.failures = 1;
        inbox.remote = true;
        inbox.unknownBackend = true;
        inbox.lastPoll = Date.now();
      }
      if (generation !== this.generation) {
        inbox.watcher?.dispose();
        return;
      }
      if (inbox.remote) this.schedule(folder, inbox, vscode.window.state.focused);
      else await this.look(folder);
    }
    this.changed.fire();
  }

  /** Looks again at every local folder (a change under `.cavra/` seen by the extension's watcher). */
  lookLocal(): void {
    for (const [key, inbox] of this.folders) if (!inbox.remote) void this.look(this.folderOf(key));
  }

  /** Polls a remote folder when its time comes, if the window is focused. */
  private schedule(folder: Folder, inbox: FolderInbox, focused: boolean): void {
    clearTimeout(inbox.timer);
    inbox.timer = undefined;
    if (!focused) return;
    let interval: number;
    try {
      interval = pollSeconds(vscode.workspace.getConfiguration('cavra', folder?.uri).get('approvals.pollSeconds'));
    } catch (e) {
      inbox.error = (e as Error).message;
      this.changed.fire();
      return;
    }
    const wait = Math.max(0, nextPollAt(inbox.lastPoll, interval, inbox.failures) - Date.now());
    inbox.timer = setTimeout(() => {
      inbox.timer = undefined;
      if (inbox.unknownBackend) {
        void this.start();
        return;
      }
      inbox.lastPoll = Date.now();
      void this.look(folder).then((ok) => {
        inbox.failures = ok ? 0 : inbox.failures + 1;
        if (this.folders.get(keyOf(folder)) === inbox) this.schedule(folder, inbox, vscode.window.state.focused);
      });
    }, wait);
  }

  /** One look at a folder's pending approvals; true when the backend answered. */
  async look(folder: Folder): Promise<boolean> {
    const inbox = this.folders.get(keyOf(folder));
    if (!inbox) return false;
    const before = shape(inbox);
    // Only a look that changed what the view shows refreshes it: a refresh re-creates the rows, and a
    // click on a row's inline action that lands during one reaches the command without its approval.
    const settle = (ok: boolean) => {
      if (shape(inbox) !== before) this.changed.fire();
      return ok;
    };
    try {
      const groups = this.groups(folder);
      if (!groups.length) {
        inbox.waiting = [];
        inbox.error = undefined;
        inbox.lookedAt = Date.now();
        return settle(true);
      }
      const list = await this.workflows.call('listApprovals', { ...folderTarget(folder).params, state: 'pending', limit: 500 });
      inbox.waiting = waitingForMe(list.items, groups, Date.now(), skewMs(folder));
      inbox.error = undefined;
      inbox.lookedAt = Date.now();
      const { fresh, seen } = newSinceLastLook(inbox.waiting, inbox.seen);
      inbox.seen = seen;
      for (const a of fresh) void this.announce(folder, a);
      return settle(true);
    } catch (e) {
      inbox.error = (e as Error).message;
      return settle(false);
    }
  }

  private async announce(folder: Folder, a: ApprovalRecord): Promise<void> {
    const d = a.decision ?? {};
    const what =
      d.action_type === 'policy_publish'
        ? vscode.l10n.t('publish {0}', String(d.policy_id ?? d.policy_pack ?? ''))
        : `${String(d.action_type ?? 'decision')} ${String(d.target ?? '')}`.trim();
    const review = vscode.l10n.t('Review');
    const approve = vscode.l10n.t('Approve');
    const deny = vscode.l10n.t('Deny');
    const pick = await vscode.window.showInformationMessage(
      vscode.l10n.t('New approval for {0}: {1} ({2}, requested by {3}).', a.approver_group, what, a.approval_id, a.requested_by),
      review,
      approve,
      deny,
    );
    const node: ApprovalNode = { kind: 'approval', record: a, folder };
    if (pick === review)
      await vscode.commands.executeCommand('cavra.showApproval', a.approval_id, ...(folder ? [folder.uri.toString()] : []));
    else if (pick === approve) await vscode.commands.executeCommand('cavra.approve', node);
    else if (pick === deny) await vscode.commands.executeCommand('cavra.deny', node);
  }

  private folderOf(key: string): Folder {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === key);
  }

  private stopAll(): void {
    for (const inbox of this.folders.values()) {
      clearTimeout(inbox.timer);
      inbox.watcher?.dispose();
    }
    this.folders.clear();
  }

  dispose(): void {
    this.stopAll();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/**
 * The Approvals view as a TreeView (for its badge): the count of what waits for me, refreshed with
 * the "Waiting for me" section after every look.
 */
export function approvalsTreeWithInbox(
  view: vscode.TreeDataProvider<ApprovalNode> & { inbox: InboxSource | undefined; refresh(): void },
  inbox: ApproverInbox,
): vscode.Disposable {
  view.inbox = inbox;
  const tree = vscode.window.createTreeView('cavra.approvals', { treeDataProvider: view });
  const update = () => {
    const n = inbox.total();
    const tooltip = n === 1 ? vscode.l10n.t('1 approval waiting for me') : vscode.l10n.t('{0} approvals waiting for me', n);
    tree.badge = n ? { value: n, tooltip } : undefined;
    view.refresh();
  };
  return vscode.Disposable.from(tree, inbox.onDidChange(update));
}
