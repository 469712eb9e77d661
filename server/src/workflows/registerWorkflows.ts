// Registers every workflow method twice: as its typed LSP request and as the `workspace/executeCommand`
// command `cavra.server.<method>` (arguments: [params]) for editors without a custom client.
import { ResponseError, type Connection } from 'vscode-languageserver/node';
import { MUTATING_METHODS, StoreChangedNotification, WorkflowRequests, type WorkflowErrorData, type WorkflowMethod } from '../workflowProtocol';
import { errorData, type WorkflowService } from './workflowService';

export const WORKFLOW_COMMANDS = (Object.keys(WorkflowRequests) as WorkflowMethod[]).map((m) => `cavra.server.${m}`);

/** A workflow error code in the LSP "server defined" range; the HTTP-like status travels in `data`. */
const WORKFLOW_ERROR_CODE = -32099;

export function registerWorkflows(connection: Connection, service: WorkflowService, backendKind: () => 'local' | 'remote'): void {
  const run = async (method: WorkflowMethod, params: unknown) => {
    try {
      const result = await service.handle(method, params);
      if (MUTATING_METHODS.has(method)) void connection.sendNotification(StoreChangedNotification, { method });
      return result;
    } catch (e) {
      const { status, detail } = errorData(e);
      const data: WorkflowErrorData = { status, detail, backend: backendKind() };
      connection.console.warn(`${method} failed (${status}): ${detail}`);
      return new ResponseError(WORKFLOW_ERROR_CODE, detail, data);
    }
  };
  for (const method of Object.keys(WorkflowRequests) as WorkflowMethod[]) {
    connection.onRequest(WorkflowRequests[method] as never, (params: unknown) => run(method, params));
  }
  connection.onExecuteCommand((p) => {
    const method = p.command.replace(/^cavra\.server\./, '') as WorkflowMethod;
    if (!(method in WorkflowRequests)) return new ResponseError(-32602, `unknown command ${p.command}`);
    return run(method, p.arguments?.[0]);
  });
}
