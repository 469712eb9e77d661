// Typed calls to the server's workflow requests, with CAVRA's errors turned into readable messages.
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import {
  WorkflowRequests,
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
  ) {
    super(message);
  }
}

export class WorkflowClient {
  /** Resolves once the language server is running (activation does not wait for it). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private client: LanguageClient,
    private log: vscode.LogOutputChannel,
  ) {}

  async call<M extends WorkflowMethod>(method: M, params: ParamsOf<M>, token?: vscode.CancellationToken): Promise<ResultOf<M>> {
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
        throw new WorkflowError(method, `${data?.detail ?? e.message}${where}`, data?.status, data?.detail ?? e.message);
      }
      this.log.error(`${method}: ${(e as Error).message}`);
      throw e;
    }
  }
}

/** An error notification that says what failed, with a way to the log. */
export async function showWorkflowError(what: string, e: unknown, log: vscode.LogOutputChannel): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  const actions = ['Show Log'];
  const status = e instanceof WorkflowError ? e.status : undefined;
  if (status === 401) actions.unshift('Set Remote Token');
  const pick = await vscode.window.showErrorMessage(`${what} failed: ${message}`, ...actions);
  if (pick === 'Show Log') log.show(true);
  if (pick === 'Set Remote Token') await vscode.commands.executeCommand('cavra.setRemoteToken');
}
