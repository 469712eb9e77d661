// Typed calls to the server's workflow requests, with CAVRA's errors turned into readable messages.
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import {
  ACTOR_GUARDED_METHODS,
  WorkflowRequests,
  type ActorRefusal,
  type ParamsOf,
  type ResultOf,
  type WorkflowErrorData,
  type WorkflowMethod,
  type WorkflowRequest,
} from '../../server/src/protocol';

/** A failed workflow: what the backend said, with its HTTP-like status. */
export class WorkflowError extends Error {
  constructor(
    readonly method: WorkflowMethod,
    message: string,
    readonly status: number | undefined,
    readonly detail: string,
    /** A refusal for the actor of a guarded mutation: why, and the fix (the server's `data.actor`). */
    readonly refusal?: ActorRefusal,
  ) {
    super(message);
  }
  /** Already shown to the user with its fix (actorToken.ts): showWorkflowError stays silent. */
  explained = false;
}

/** Sends a guarded mutation with the verified actor's token (actorToken.ts); `send` makes the request. */
export type ActorGuard = <M extends WorkflowMethod>(
  method: M,
  params: ParamsOf<M>,
  send: (params: ParamsOf<M>) => Promise<ResultOf<M>>,
) => Promise<ResultOf<M>>;

export class WorkflowClient {
  /** Resolves once the language server is running (activation does not wait for it). */
  ready: Promise<void> = Promise.resolve();
  /** Set at activation: every guarded mutation (ACTOR_GUARDED_METHODS) goes through it. */
  actorGuard?: ActorGuard;

  constructor(
    private client: LanguageClient,
    private log: vscode.LogOutputChannel,
  ) {}

  async call<M extends WorkflowMethod>(method: M, params: ParamsOf<M>, token?: vscode.CancellationToken): Promise<ResultOf<M>> {
    const send = (p: ParamsOf<M>) => this.send(method, p, token);
    return this.actorGuard && ACTOR_GUARDED_METHODS.has(method) ? this.actorGuard(method, params, send) : send(params);
  }

  private async send<M extends WorkflowMethod>(
    method: M,
    params: ParamsOf<M>,
    token?: vscode.CancellationToken,
  ): Promise<ResultOf<M>> {
    await this.ready;
    const started = Date.now();
    try {
      const type: WorkflowRequest<M> = WorkflowRequests[method];
      const result = await this.client.sendRequest(type, params, token);
      this.log.info(`${method}: ok in ${Date.now() - started} ms`);
      return result;
    } catch (e) {
      if (e instanceof ResponseError) {
        const data = e.data as WorkflowErrorData | undefined;
        const where = data ? ` (${data.backend}${data.status ? `, ${data.status}` : ''})` : '';
        this.log.warn(`${method}: failed${where}: ${data?.detail ?? e.message}`);
        throw new WorkflowError(
          method,
          `${data?.detail ?? e.message}${where}`,
          data?.status,
          data?.detail ?? e.message,
          data?.actor,
        );
      }
      this.log.error(`${method}: ${(e as Error).message}`);
      throw e;
    }
  }
}

/** An error notification that says what failed, with a way to the log. */
export async function showWorkflowError(what: string, e: unknown, log: vscode.LogOutputChannel): Promise<void> {
  if (e instanceof WorkflowError && e.explained) return;
  const message = e instanceof Error ? e.message : String(e);
  const showLog = vscode.l10n.t('Show Log');
  const setRemoteToken = vscode.l10n.t('Set Remote Token');
  const setActorToken = vscode.l10n.t('Set Actor Token');
  const actions = [showLog];
  const status = e instanceof WorkflowError ? e.status : undefined;
  if (e instanceof WorkflowError && e.refusal?.fix === 'set_actor_token') actions.unshift(setActorToken);
  else if (status === 401) actions.unshift(setRemoteToken);
  const pick = await vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', what, message), ...actions);
  if (pick === showLog) log.show(true);
  if (pick === setRemoteToken) await vscode.commands.executeCommand('cavra.setRemoteToken');
  if (pick === setActorToken) await vscode.commands.executeCommand('cavra.setActorToken');
}
