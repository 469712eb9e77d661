// Rule activity over the language server (stdio): with `cavra.impact.decisionLog` set, a rule's hover counts the
// recorded actions it decided (over the log's time span), and an `unused-rule` hint marks the enforced entries
// of a published pack that decided none. The log is generated (test/cli/impactScenario.ts), so every count is
// known by construction; rewriting the log file or clearing the setting refreshes both.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { APP, impactScenario } from '../cli/impactScenario';
import { LspClient } from './lspClient';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';

const PER = 30;
const hints = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'unused-rule');
const text = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';
/** The position just inside the first occurrence of `needle` (an entry's text) in `source`. */
function caretIn(source: string, needle: string): { line: number; character: number } {
  const at = source.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in the text`);
  const lines = source.slice(0, at + 1).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

describe('rule activity from the decision log: hover counts and unused-rule hints', function () {
  this.timeout(60_000);
  const scenario = impactScenario(PER, { extraRules: 3 });
  const appFile = `policies/${APP}/policy.yaml`;
  const appText = scenario.files[appFile];
  let ws: TempWorkspace;
  let client: LspClient;
  let uri: string;

  before(async () => {
    ws = tempWorkspace({ ...scenario.files, 'logs/decisions.jsonl': scenario.logLines.join('\n') });
    client = await LspClient.start({
      workspace: ws.root,
      settings: { impact: { decisionLog: 'logs/decisions.jsonl' } } as never,
    });
    uri = client.uriOf(appFile);
    await client.open(uri, appText);
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it('marks exactly the entries no recorded action reached, with the span of the log, as hints', async () => {
    const p = await client.publishedFor(uri, (x) => hints(x.diagnostics).length > 0, 'unused-rule hints');
    const unused = hints(p.diagnostics);
    // The filler rules (no record names them) and nothing else: every other entry decides a category.
    assert.deepEqual(unused.map((d) => String(d.message).match(/^"([^"]+)"/)?.[1]).sort(), [
      'filler-check-1*',
      'filler-tool-0 --force*',
      'filler/2/**',
    ]);
    const first = new Date(JSON.parse(scenario.logLines[0]).timestamp).toISOString().slice(0, 10);
    const last = new Date(JSON.parse(scenario.logLines.at(-1)!).timestamp).toISOString().slice(0, 10);
    for (const d of unused) {
      assert.equal(d.severity, 4, 'DiagnosticSeverity.Hint');
      assert.match(
        String(d.message),
        new RegExp(
          `decided none of the ${scenario.records.length} recorded actions in logs/decisions\\.jsonl \\(${first} \\.\\. ${last}\\)`,
        ),
      );
    }
  });

  it("a rule's hover says how many recorded actions it decided: an inheriting pack's use counts for the pack that lists it", async () => {
    const at = (needle: string) => caretIn(appText, needle);
    // terraform plan*: the app's own records and those of the pack inheriting it; terraform apply*: one category.
    assert.match(
      text(await client.hover(uri, at('terraform plan*'))),
      new RegExp(
        `\\*\\*Recorded activity:\\*\\* decided ${2 * PER} of ${scenario.records.length} recorded actions in \`logs/decisions\\.jsonl\``,
      ),
    );
    assert.match(text(await client.hover(uri, at('terraform apply*'))), new RegExp(`decided ${PER} of `));
    assert.match(text(await client.hover(uri, at('github'))), new RegExp(`decided ${PER} of `));
    assert.match(text(await client.hover(uri, at('filler-tool-0'))), /decided 0 of /);
  });

  it('a rewritten log refreshes the counts; clearing the setting removes the hints', async () => {
    // Only the terraform apply records remain: npm test* now decides nothing.
    const kept = scenario.logLines.filter((l) => l.includes('terraform apply'));
    writeFileSync(join(ws.root, 'logs/decisions.jsonl'), kept.join('\n'));
    const p = await client.publishedFor(
      uri,
      (x) => hints(x.diagnostics).some((d) => String(d.message).startsWith('"npm test*"')),
      'hints after the log changed',
    );
    assert.match(String(hints(p.diagnostics)[0].message), new RegExp(`of the ${kept.length} recorded actions`));
    await client.changeSettings({ impact: { decisionLog: '' } } as never);
    await client.publishedFor(uri, (x) => hints(x.diagnostics).length === 0, 'no hints without the setting');
    assert.doesNotMatch(text(await client.hover(uri, caretIn(appText, 'terraform apply*'))), /Recorded activity/);
  });
});
