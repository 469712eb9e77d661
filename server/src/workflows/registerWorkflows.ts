// Registers every workflow method twice: as its typed LSP request and as the `workspace/executeCommand`
// command `cavra.server.<method>` (arguments: [params]) for editors without a custom client.
import { ResponseError, type Connection } from 'vscode-languageserver/node';
import {
  isWorkflowMethod,
  MUTATING_METHODS,
  StoreChangedNotification,
  WORKFLOW_METHODS,
  WorkflowRequests,
  type ParamsOf,
  type ResultOf,
  type WorkflowErrorData,
  type WorkflowMethod,
} from '../protocol';
import { errorData } from './workflowEnvironment';
import type { WorkflowService } from './workflowService';

export const WORKFLOW_COMMANDS = WORKFLOW_METHODS.map((m) => `cavra.server.${m}`);

/** A workflow error code in the LSP "server defined" range; the HTTP-like status travels in `data`. */
const WORKFLOW_ERROR_CODE = -32099;

/**
 * `settingsLoaded` settles when the editor's settings have been read: a request that comes sooner (the
 * client asks at activation) waits for them rather than being answered on the defaults.
 */
export function registerWorkflows(
  connection: Connection,
  service: WorkflowService,
  backendKind: () => 'local' | 'remote',
  settingsLoaded: () => Promise<void> = () => Promise.resolve(),
): void {
  const run = async <M extends WorkflowMethod>(
    method: M,
    params: ParamsOf<M>,
  ): Promise<ResultOf<M> | ResponseError<WorkflowErrorData>> => {
    try {
      await settingsLoaded();
      const result = await service.handle(method, params);
      if (MUTATING_METHODS.has(method)) void connection.sendNotification(StoreChangedNotification, { method });
      return result;
    } catch (e) {
      const { status, detail, actor } = errorData(e);
      const data: WorkflowErrorData = { status, detail, backend: backendKind(), ...(actor ? { actor } : {}) };
      connection.console.warn(`${method} failed (${status}): ${detail}`);
      return new ResponseError(WORKFLOW_ERROR_CODE, detail, data);
    }
  };
  const register = <M extends WorkflowMethod>(method: M) => {
    // By name: the typed overload cannot check a handler generic in its method (its result type is a
    // conditional one); the params and result are checked by `run` and the service's handlers instead.
    connection.onRequest(WorkflowRequests[method].method, (params: ParamsOf<M>) => run(method, params));
  };
  for (const method of WORKFLOW_METHODS) register(method);
  connection.onExecuteCommand((p) => {
    const method = p.command.replace(/^cavra\.server\./, '');
    if (!isWorkflowMethod(method)) return new ResponseError(-32602, `unknown command ${p.command}`);
    // Other editors' arguments are untyped JSON, as LSP params are: the handlers check what they read.
    return run(method, (p.arguments?.[0] ?? {}) as ParamsOf<typeof method>);
  });
}
