// Decision test cases (`policies/<id>/policy.tests.yaml`) in VS Code's Testing view: each pack is a
// suite, each case a test, run through the server's `decisionTests` request (CAVRA's evaluator).
import * as vscode from 'vscode';
import type { DecisionTestReport } from '../../server/src/protocol';
import type { WorkflowClient } from './workflowClient';

export function registerDecisionTests(workflows: WorkflowClient, log: vscode.LogOutputChannel): vscode.Disposable {
  const controller = vscode.tests.createTestController('cavra.decisionTests', 'CAVRA decision tests');
  const load = async (): Promise<DecisionTestReport[]> => {
    const reports = await workflows.call('decisionTests', {});
    controller.items.replace(
      reports.map((r) => {
        const uri = vscode.Uri.file(r.file);
        const suite = controller.createTestItem(r.policy_pack, r.policy_pack, uri);
        for (const [i, c] of r.cases.entries()) {
          const item = controller.createTestItem(`${r.policy_pack}#${i}`, c.name, uri);
          if (c.line) item.range = new vscode.Range(c.line - 1, 0, c.line - 1, 0);
          suite.children.add(item);
        }
        return suite;
      }),
    );
    return reports;
  };
  controller.resolveHandler = async (item) => {
    if (!item) await load().catch((e) => log.warn(`decision tests: ${(e as Error).message}`));
  };
  controller.refreshHandler = async () => {
    await load();
  };
  controller.createRunProfile(
    'Run',
    vscode.TestRunProfileKind.Run,
    async (request, token) => {
      const run = controller.createTestRun(request);
      try {
        const reports = await load();
        for (const r of reports) {
          for (const [i, c] of r.cases.entries()) {
            if (token.isCancellationRequested) break;
            const item = controller.items.get(r.policy_pack)?.children.get(`${r.policy_pack}#${i}`);
            if (!item || (request.include && !request.include.some((t) => t === item || t.id === r.policy_pack))) continue;
            if (c.passed) run.passed(item);
            else {
              const message = new vscode.TestMessage(c.message ?? 'the decision differs from what the case expects');
              message.expectedOutput = JSON.stringify(c.expected, null, 2);
              message.actualOutput = JSON.stringify(c.actual, null, 2);
              if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
              run.failed(item, message);
            }
          }
        }
      } catch (e) {
        run.appendOutput(`Decision tests could not run: ${(e as Error).message}\r\n`);
      } finally {
        run.end();
      }
    },
    true,
  );
  return controller;
}
