// Verified actors in local mode (SPEC 3.8): with `cavra.auth.oidcConfig` or `cavra.auth.rbacFile`, every
// guarded mutation (approve, deny, expire, break glass, rollout apply, publish, publish request) needs
// the actor's OIDC token. The editor asks for it once, keeps it in SecretStorage per issuer (the
// server says which: `cavra/actorAuth`), sends it as CAVRA's `actor_token`, and explains a refusal with
// its fix ("Set Actor Token" asks again and retries). The token never goes into a message or the log.
//
// Why not a VS Code AuthenticationProvider: a provider's contract is a sign-in flow that creates
// sessions for scopes (createSession) and lists them in the Accounts menu as signed in. Here there is
// no sign-in to run: the token is issued by the team's identity provider outside the editor and CAVRA
// has no login endpoint, so createSession could only show the same input box; and whether a token is
// good is decided per workspace folder by the language server against that folder's OIDC config
// (issuer, audience, JWKS, clock), so an Accounts entry would say "signed in" for a token the server
// then refuses as expired or for another audience. SecretStorage keyed by issuer, as the remote token
// is kept, plus "CAVRA: Show Verified Actor" (the server's answer, not the token's claims) fits better.
import * as vscode from 'vscode';
import { actorRefusal, type ActorAuth, type ParamsOf, type ResultOf, type WorkflowMethod } from '../../../server/src/protocol';
import type { TokenGroups } from '../approverInbox';
import { WorkflowError, type ActorGuard, type WorkflowClient } from '../workflowClient';
import { chooseFolder, folderTarget } from '../workspaceFolder';

const secretKey = (issuer: string) => `cavra.actor.token:${issuer}`;

type Folder = vscode.WorkspaceFolder | undefined;
const folderKey = (folder: Folder) => folder?.uri.toString() ?? '';

export class ActorTokens implements vscode.Disposable {
  /** The groups the server verified in each folder's stored token (never the token's unverified claims). */
  private verified = new Map<string, string[]>();
  private groupsChanged = new vscode.EventEmitter<void>();
  /** Fires when a folder's verified groups changed (the approver's inbox then looks again). */
  readonly onDidChangeGroups = this.groupsChanged.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly workflows: WorkflowClient,
  ) {}

  dispose(): void {
    this.groupsChanged.dispose();
  }

  /** The inbox's source of "my groups" beside the settings: what the verified token says. */
  readonly tokenGroups: TokenGroups = (folder) => this.verified.get(folderKey(folder));

  /**
   * Verifies each folder's stored token with the server and keeps its groups. A token that no longer
   * verifies (expired, another audience) contributes no group: the inbox then shows what the settings
   * name, and a mutation explains the refusal when it is tried.
   */
  async refreshGroups(): Promise<void> {
    const folders: Folder[] = vscode.workspace.workspaceFolders?.length ? [...vscode.workspace.workspaceFolders] : [undefined];
    const next = new Map<string, string[]>();
    for (const folder of folders) {
      const params = folderTarget(folder).params;
      const auth = await this.workflows.call('actorAuth', params).catch(() => null);
      const token = auth?.issuer ? await this.secrets.get(secretKey(auth.issuer)) : undefined;
      if (!token) continue;
      const who = await this.workflows.call('verifyActor', { ...params, actor_token: token }).catch(() => null);
      if (who) next.set(folderKey(folder), [...who.groups]);
    }
    const same =
      next.size === this.verified.size && [...next].every(([k, g]) => (this.verified.get(k) ?? []).join('\n') === g.join('\n'));
    this.verified = next;
    if (!same) this.groupsChanged.fire();
  }

  /** The guard WorkflowClient sends guarded mutations through. */
  readonly guard: ActorGuard = (method, params, send) => this.send(method, params, send);

  private async send<M extends WorkflowMethod>(
    method: M,
    params: ParamsOf<M>,
    send: (params: ParamsOf<M>) => Promise<ResultOf<M>>,
  ): Promise<ResultOf<M>> {
    const folder = (params as { folder?: string } | undefined)?.folder;
    // Unanswered (a broken OIDC config, Restricted Mode): the mutation itself says what is wrong.
    const auth = await this.workflows.call('actorAuth', folder ? { folder } : {}).catch(() => null);
    if (!auth?.required) return send(params);
    let token = auth.issuer ? ((await this.secrets.get(secretKey(auth.issuer))) ?? (await this.ask(auth))) : undefined;
    for (;;) {
      if (auth.issuer && !token) {
        const e = new WorkflowError(method, 'no actor token was given', 401, 'console action requires verified actor context');
        e.explained = true; // The user closed the prompt: nothing more to say.
        throw e;
      }
      try {
        return await send(token ? { ...params, actor_token: token } : params);
      } catch (e) {
        if (!(e instanceof WorkflowError) || !e.refusal) throw e;
        token = await this.offerFix(e, auth);
        if (token === undefined) throw e;
      }
    }
  }

  /** Shows why the actor was refused and its fix; a new token to retry with, or undefined. */
  private async offerFix(e: WorkflowError, auth: ActorAuth): Promise<string | undefined> {
    const refusal = e.refusal!;
    e.explained = true;
    if (refusal.fix === 'configure_oidc') {
      const open = vscode.l10n.t('Open Settings');
      if ((await vscode.window.showErrorMessage(refusal.explanation, open)) === open)
        await vscode.commands.executeCommand('workbench.action.openSettings', 'cavra.auth.oidcConfig');
      return undefined;
    }
    const set = vscode.l10n.t('Set Actor Token');
    if ((await vscode.window.showErrorMessage(refusal.explanation, set)) !== set) return undefined;
    return this.ask(auth);
  }

  /** Asks for the token (password box) and keeps it for the issuer; undefined when the user cancels. */
  async ask(auth: ActorAuth): Promise<string | undefined> {
    if (!auth.issuer) return undefined;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('CAVRA actor token'),
      prompt: vscode.l10n.t(
        'OIDC token (RS256 JWT) from {0} for audience {1}: it proves who approves, denies, publishes or applies. Kept in SecretStorage.',
        auth.issuer,
        auth.audience ?? '?',
      ),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) =>
        !v.trim() || v.trim().split('.').length === 3 ? undefined : vscode.l10n.t('A compact JWT has three dot-separated parts'),
    });
    const token = value?.trim();
    if (!token) return undefined;
    await this.secrets.store(secretKey(auth.issuer), token);
    void this.refreshGroups();
    return token;
  }

  /** "CAVRA: Set Actor Token": asks, keeps it for the folder's issuer and shows who it is. */
  async setToken(arg?: unknown): Promise<void> {
    const target = await chooseFolder(arg, vscode.l10n.t('Set the actor token for'));
    if (!target) return;
    const auth = await this.workflows.call('actorAuth', target.params);
    if (!auth.issuer) {
      void vscode.window.showInformationMessage(
        auth.required
          ? vscode.l10n.t(
              'An RBAC file is configured but no OIDC config, so no token can be verified: set cavra.auth.oidcConfig first.',
            )
          : vscode.l10n.t(
              'No verified actor is needed here: neither cavra.auth.oidcConfig nor cavra.auth.rbacFile is set (local mode).',
            ),
      );
      return;
    }
    if (await this.ask(auth)) await this.showActor(arg, target.params.folder);
  }

  /** "CAVRA: Show Verified Actor": who the server says the stored token is, until when. */
  async showActor(arg?: unknown, folder?: string): Promise<void> {
    const target = await chooseFolder(folder ? { folder } : arg, vscode.l10n.t('Show the verified actor of'));
    if (!target) return;
    const auth = await this.workflows.call('actorAuth', target.params);
    const set = vscode.l10n.t('Set Actor Token');
    const token = auth.issuer ? await this.secrets.get(secretKey(auth.issuer)) : undefined;
    if (!auth.issuer || !token) {
      const why = !auth.required
        ? vscode.l10n.t('No verified actor is needed here (no cavra.auth.oidcConfig or cavra.auth.rbacFile).')
        : auth.issuer
          ? vscode.l10n.t('No actor token is set for {0}.', auth.issuer)
          : vscode.l10n.t('An RBAC file is configured but no OIDC config: set cavra.auth.oidcConfig.');
      if ((await vscode.window.showInformationMessage(why, ...(auth.issuer ? [set] : []))) === set) await this.setToken(arg);
      return;
    }
    try {
      const who = await this.workflows.call('verifyActor', { ...target.params, actor_token: token });
      const minutes = Math.round((Date.parse(who.expires_at) - Date.now()) / 60_000);
      const forget = vscode.l10n.t('Forget Token');
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Verified actor: {0}; groups: {1}; issuer {2}; token expires {3} (in {4} min).',
          who.actor,
          who.groups.join(', ') || vscode.l10n.t('none'),
          who.issuer ?? '?',
          who.expires_at,
          minutes,
        ),
        set,
        forget,
      );
      if (pick === set) await this.setToken(arg);
      if (pick === forget) {
        await this.secrets.delete(secretKey(auth.issuer));
        void this.refreshGroups();
      }
    } catch (e) {
      if (!(e instanceof WorkflowError)) throw e;
      const refusal = actorRefusal(e.status ?? 0, e.detail, auth);
      if ((await vscode.window.showErrorMessage(refusal?.explanation ?? e.message, set)) === set) await this.setToken(arg);
    }
  }
}
