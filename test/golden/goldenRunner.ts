// Runs every golden case (test/golden/<method>/<case>.md) against a real server and compares the answer
// exactly: the Node server over stdio (golden.test.ts) and the browser server in a web worker
// (test/browser/goldenInBrowser.test.ts). CAVRA_GOLDEN_UPDATE=1 rewrites the answers instead: read
// every rewritten case before committing it.
import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ResponseError,
  type CodeAction,
  type Diagnostic,
  type Position,
  type PublishDiagnosticsParams,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { caret } from '../lsp/caret';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace } from '../lsp/tempWorkspace';
import { applyEdits, editsOf } from '../lsp/textEdits';
import { readCase, updateCase, WORKSPACE, type GoldenCase } from './goldenCase';

/** What the runner needs of a client: test/lsp/lspClient.ts (stdio), test/browser/workerClient.ts (web worker). */
export interface GoldenClient {
  uriOf(relativePath: string): string;
  open(uri: string, text: string): Promise<void>;
  publication(uri: string): Promise<PublishDiagnosticsParams>;
  diagnostics(uri: string, version: number): Promise<Diagnostic[]>;
  change(uri: string, text: string): Promise<number>;
  request(method: string, params: unknown): Promise<unknown>;
  stop(): Promise<unknown>;
}

/** Starts a server on a temporary workspace folder (its packs on disk) and connects a client to it. */
export type StartGoldenClient = (options: { workspace: string; pullDiagnostics?: boolean }) => Promise<GoldenClient>;

const GOLDEN_DIR = join(repoRoot, 'test', 'golden');
const UPDATE = process.env.CAVRA_GOLDEN_UPDATE === '1';
const METHODS: Record<string, string | undefined> = {
  publishDiagnostics: undefined,
  hover: 'textDocument/hover',
  completion: 'textDocument/completion',
  codeAction: 'textDocument/codeAction',
  codeLens: 'textDocument/codeLens',
  documentSymbol: 'textDocument/documentSymbol',
  definition: 'textDocument/definition',
  references: 'textDocument/references',
  prepareRename: 'textDocument/prepareRename',
  rename: 'textDocument/rename',
  workspaceSymbol: 'workspace/symbol',
  // Pull diagnostics for every pack under the root, opened or not (the client declares pull support).
  workspaceDiagnostic: 'workspace/diagnostic',
  documentLink: 'textDocument/documentLink',
  foldingRange: 'textDocument/foldingRange',
  selectionRange: 'textDocument/selectionRange',
  // textDocument/rangeFormatting when the case's params hold a range.
  formatting: 'textDocument/formatting',
};
const NEEDS_POSITION = new Set(['hover', 'completion', 'definition', 'references', 'prepareRename', 'rename', 'selectionRange']);

const overlaps = (a: Range, b: Range) =>
  !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.character < a.start.character)
  );

/** The temp folder appears as /workspace in cases, so answers are stable and readable. */
const toCase = (value: unknown, root: string): unknown =>
  JSON.parse(
    JSON.stringify(value ?? null)
      .split(root)
      .join(WORKSPACE),
  );
const fromCase = (value: unknown, root: string): unknown =>
  JSON.parse(JSON.stringify(value).split(`file://${WORKSPACE}/`).join(`file://${root}/`));

/** The file the request is about (opened first); a workspace request without one opens `Open` files only. */
function targetOf(c: GoldenCase): string | undefined {
  const uri = (c.when.textDocument as { uri?: string } | undefined)?.uri;
  if (uri === undefined && !c.when.textDocument) return undefined;
  if (!uri?.startsWith(`file://${WORKSPACE}/`))
    throw new Error(`${c.file}: When.textDocument.uri must start with file://${WORKSPACE}/`);
  const rel = uri.slice(`file://${WORKSPACE}/`.length);
  if (!c.given.has(rel)) throw new Error(`${c.file}: When names ${rel}, which Given does not hold`);
  return rel;
}

async function runCase(start: StartGoldenClient, method: string, c: GoldenCase): Promise<void> {
  const target = targetOf(c);
  const files = new Map(c.given);
  let position = c.when.position as Position | undefined;
  if (!target) return runWorkspaceCase(start, method, c);
  if (!position && (NEEDS_POSITION.has(method) || (method === 'codeAction' && !c.when.range))) {
    const marked = caret(files.get(target)!);
    files.set(target, marked.text);
    position = marked.position;
  }
  const ws = tempWorkspace(Object.fromEntries(files));
  const client = await start({ workspace: ws.root });
  try {
    const uri = client.uriOf(target);
    const text = files.get(target)!;
    await client.open(uri, text);
    const publication = await client.publication(uri);
    let actual: unknown;
    if (method === 'publishDiagnostics') actual = publication;
    else {
      const params = fromCase(c.when, ws.root) as Record<string, unknown>;
      if (position && method === 'selectionRange') params.positions ??= [position];
      else if (position) params.position = position;
      if (method === 'codeAction') {
        const range = (params.range as Range | undefined) ?? { start: position!, end: position! };
        params.range = range;
        params.context ??= { diagnostics: publication.diagnostics.filter((d) => overlaps(d.range, range)) };
        delete params.position;
      }
      actual = await answerOrError(client, formattingMethod(method, params) ?? METHODS[method]!, params);
    }
    const normalized = toCase(actual, ws.root);
    let applied: string | undefined;
    if (method === 'formatting') {
      const params = fromCase(c.when, ws.root) as Record<string, unknown>;
      applied = await checkFormatting(client, uri, text, params, (actual ?? []) as TextEdit[]);
    }
    if (method === 'codeAction')
      applied = await checkQuickFixes(client, uri, text, publication.diagnostics, (actual ?? []) as CodeAction[]);
    if (UPDATE) {
      updateCase(
        c,
        normalized,
        c.applied !== undefined || method === 'codeAction' || method === 'formatting' ? applied : undefined,
      );
      return;
    }
    assert.deepStrictEqual(normalized, c.then, `${c.file}: the server's answer differs from ## Then`);
    if (c.applied !== undefined)
      assert.equal(
        applied,
        c.applied,
        `${c.file}: the text after the first quick fix (or the formatting) differs from ## Applied`,
      );
  } finally {
    await client.stop();
    ws.remove();
  }
}

/** The answer, or a refusal as `{"error": {code, message}}`: what the editor shows is part of the case. */
async function answerOrError(client: GoldenClient, method: string, params: unknown): Promise<unknown> {
  try {
    return await client.request(method, params);
  } catch (e) {
    if (e instanceof ResponseError) return { error: { code: e.code, message: e.message } };
    throw e;
  }
}

/** A workspace request (`workspace/symbol`, `workspace/diagnostic`): no document is opened, the packs are read from disk. */
async function runWorkspaceCase(start: StartGoldenClient, method: string, c: GoldenCase): Promise<void> {
  const ws = tempWorkspace(Object.fromEntries(c.given));
  const client = await start({ workspace: ws.root, pullDiagnostics: method === 'workspaceDiagnostic' });
  try {
    const actual = toCase(await answerOrError(client, METHODS[method]!, fromCase(c.when, ws.root)), ws.root);
    if (UPDATE) return updateCase(c, actual);
    assert.deepStrictEqual(actual, c.then, `${c.file}: the server's answer differs from ## Then`);
  } finally {
    await client.stop();
    ws.remove();
  }
}

const formattingMethod = (method: string, params: Record<string, unknown>) =>
  method !== 'formatting' ? undefined : params.range ? 'textDocument/rangeFormatting' : 'textDocument/formatting';

/**
 * Formatting is idempotent over the connection: the same request on the formatted text answers no
 * edits. Returns the formatted text, for the case's `## Applied` section.
 */
async function checkFormatting(
  client: GoldenClient,
  uri: string,
  text: string,
  params: Record<string, unknown>,
  edits: TextEdit[],
): Promise<string> {
  const after = applyEdits(text, edits);
  if (!edits.length) return after;
  await client.change(uri, after);
  const again = await client.request(formattingMethod('formatting', params)!, params);
  assert.deepEqual(again, [], `formatting the formatted text again should change nothing:\n${after}`);
  return after;
}

/**
 * Every quick fix must leave valid YAML in which the diagnostics it claims to fix are gone.
 * Returns the text after the first action, for the case's `## Applied` section.
 */
async function checkQuickFixes(
  client: GoldenClient,
  uri: string,
  text: string,
  before: Diagnostic[],
  actions: CodeAction[],
): Promise<string | undefined> {
  let first: string | undefined;
  for (const action of actions) {
    const after = applyEdits(text, editsOf(action, uri));
    first ??= after;
    const version = await client.change(uri, after);
    const now = await client.diagnostics(uri, version);
    const broken = now.filter((d) => d.code === 'yaml-syntax' || d.code === 'duplicate-key' || d.code === 'not-a-mapping');
    assert.deepEqual(broken, [], `"${action.title}" left broken YAML:\n${after}`);
    for (const code of new Set((action.diagnostics ?? []).map((d) => d.code))) {
      const fixed = (action.diagnostics ?? []).filter((d) => d.code === code).length;
      const was = before.filter((d) => d.code === code).length;
      const is = now.filter((d) => d.code === code).length;
      assert.ok(
        is <= was - fixed,
        `"${action.title}" should remove ${fixed} ${code} diagnostic(s) (${was} before, ${is} after):\n${after}`,
      );
    }
    await client.change(uri, text);
  }
  return first;
}

/**
 * One mocha `it` per case, grouped by method. `skip` names the cases (`<method>/<case>`) or whole methods
 * a server does not answer as the others do, each with the reason (the browser server has no approval
 * store): they are listed as pending, never silently passed.
 */
export function goldenSuite(title: string, start: StartGoldenClient, skip: Record<string, string> = {}): void {
  describe(title, () => {
    for (const method of Object.keys(METHODS)) {
      const dir = join(GOLDEN_DIR, method);
      let names: string[] = [];
      try {
        names = readdirSync(dir)
          .filter((n) => n.endsWith('.md') && statSync(join(dir, n)).isFile())
          .sort();
      } catch {
        continue;
      }
      describe(method, () => {
        for (const name of names) {
          const c = readCase(join(dir, name));
          const reason = skip[method] ?? skip[`${method}/${name.replace(/\.md$/, '')}`];
          const label = `${name.replace(/\.md$/, '')}: ${c.title}`;
          if (reason) it.skip(`${label} (${reason})`);
          else it(label, () => runCase(start, method, c));
        }
      });
    }
  });
}
