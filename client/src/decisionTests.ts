// Decision test cases (`policies/<id>/policy.tests.yaml`) in VS Code's Testing view: each pack is a
// suite, each case a test, run through the server's `decisionTests` request (CAVRA's evaluator). In a
// multi-root workspace each folder's packs are run in that folder (suite ids are then prefixed by it).
import * as vscode from 'vscode';
import type { DecisionTestReport } from '../../server/src/protocol';
import type { WorkflowClient } from './workflowClient';
import { folderTarget } from './workspaceFolder';

/** A folder's report, with the id its suite has in the Testing view. */
interface FolderReport {
  suiteId: string;
  report: DecisionTestReport;
}

export function registerDecisionTests(workflows: WorkflowClient, log: vscode.LogOutputChannel): vscode.Disposable {
  const controller = vscode.tests.createTestController('cavra.decisionTests', vscode.l10n.t('CAVRA decision tests'));
  const load = async (): Promise<FolderReport[]> => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const each = folders.length > 1 ? [...folders] : [folders[0]];
    const reports = (
      await Promise.all(
        each.map(async (folder) =>
          (await workflows.call('decisionTests', folderTarget(folder).params)).map((report) => ({
            suiteId: folders.length > 1 && folder ? `${folder.name}/${report.policy_pack}` : report.policy_pack,
            report,
          })),
        ),
      )
    ).flat();
    controller.items.replace(
      reports.map(({ suiteId, report: r }) => {
        const uri = vscode.Uri.file(r.file);
        const suite = controller.createTestItem(suiteId, suiteId, uri);
        for (const [i, c] of r.cases.entries()) {
          const item = controller.createTestItem(`${suiteId}#${i}`, c.name, uri);
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
    vscode.l10n.t('Run'),
    vscode.TestRunProfileKind.Run,
    async (request, token) => {
      const run = controller.createTestRun(request);
      try {
        const reports = await load();
        for (const { suiteId, report: r } of reports) {
          for (const [i, c] of r.cases.entries()) {
            if (token.isCancellationRequested) break;
            const item = controller.items.get(suiteId)?.children.get(`${suiteId}#${i}`);
            if (!item || (request.include && !request.include.some((t) => t === item || t.id === suiteId))) continue;
            if (c.passed) run.passed(item);
            else {
              const message = new vscode.TestMessage(
                c.message ?? vscode.l10n.t('the decision differs from what the case expects'),
              );
              message.expectedOutput = JSON.stringify(c.expected, null, 2);
              message.actualOutput = JSON.stringify(c.actual, null, 2);
              if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
              run.failed(item, message);
            }
          }
        }
      } catch (e) {
        run.appendOutput(`${vscode.l10n.t('Decision tests could not run: {0}', (e as Error).message)}\r\n`);
      } finally {
        run.end();
      }
    },
    true,
  );
  return controller;
}
