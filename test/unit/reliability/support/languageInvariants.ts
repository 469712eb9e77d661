// What must hold for any text, however hostile: analysis and every feature answer without throwing,
// every range they return lies inside the document (LSP's line/character model), completion edits sit
// on the cursor's line, outline selection ranges lie inside their symbol, quick-fix edits do not
// overlap and can be applied. `languageTranscript` returns everything answered, so two runs on the
// same text can be compared for determinism.
import type { CodeAction, Diagnostic, Position, Range, TextEdit } from 'vscode-languageserver-types';
import { analyze, languageFeatures, type Analysis } from '../../../../server/src/language/languageService';
import { PackCatalog } from '../../../../server/src/language/packCatalog';

export const FUZZ_FILE = '/ws/policies/cavra-fuzz/policy.yaml';

/** Line contents without their breaks, split as LSP and VS Code do (\r\n, \r, \n). */
export function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export class InvariantError extends Error {}

function check(ok: boolean, what: string): void {
  if (!ok) throw new InvariantError(what);
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);

export function assertPositionInside(lines: string[], p: Position, what: string): void {
  check(Number.isInteger(p.line) && Number.isInteger(p.character), `${what}: position ${JSON.stringify(p)} is not whole numbers`);
  check(p.line >= 0 && p.line < lines.length, `${what}: line ${p.line} outside the document's ${lines.length} lines`);
  check(
    p.character >= 0 && p.character <= lines[p.line].length,
    `${what}: character ${p.character} outside line ${p.line} (length ${lines[p.line]?.length})`,
  );
}

export function assertRangeInside(lines: string[], r: Range, what: string): void {
  assertPositionInside(lines, r.start, `${what} start`);
  assertPositionInside(lines, r.end, `${what} end`);
  check(before(r.start, r.end), `${what}: range ends before it starts ${JSON.stringify(r)}`);
}

const contains = (outer: Range, inner: Range) => before(outer.start, inner.start) && before(inner.end, outer.end);

function offsetOf(lines: string[], text: string, p: Position): number {
  // Offsets in the original text (line breaks of any kind): walk the text, not the split lines.
  let line = 0;
  let i = 0;
  while (line < p.line && i < text.length) {
    const c = text.charCodeAt(i);
    i++;
    if (c === 13 && text.charCodeAt(i) === 10) i++;
    if (c === 10 || c === 13) line++;
  }
  return i + Math.min(p.character, lines[p.line]?.length ?? 0);
}

/** Applies non-overlapping edits (checked) and returns the new text. */
export function applyEdits(text: string, edits: TextEdit[], what: string): string {
  const lines = linesOf(text);
  const spans = edits
    .map((e) => {
      assertRangeInside(lines, e.range, `${what} edit`);
      return { start: offsetOf(lines, text, e.range.start), end: offsetOf(lines, text, e.range.end), newText: e.newText };
    })
    .sort((x, y) => x.start - y.start || x.end - y.end);
  for (let i = 1; i < spans.length; i++) check(spans[i].start >= spans[i - 1].end, `${what}: edits overlap`);
  let out = text;
  for (const s of [...spans].reverse()) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

export function fuzzCatalog(): PackCatalog {
  const catalog = new PackCatalog();
  catalog.scan(['/ws/policies']);
  return catalog;
}

export function analyzeFuzz(text: string, catalog = fuzzCatalog(), maxFileSize?: number): Analysis {
  return analyze(`file://${FUZZ_FILE}`, 1, text, { file: FUZZ_FILE, catalog }, maxFileSize ? { maxFileSize } : undefined);
}

/** The positions every feature is asked about: the edges, each diagnostic's ends, and `extra` offsets. */
function probePositions(lines: string[], diagnostics: Diagnostic[], extra: number[]): Position[] {
  const out: Position[] = [
    { line: 0, character: 0 },
    { line: lines.length - 1, character: lines[lines.length - 1].length },
  ];
  for (const d of diagnostics.slice(0, 5)) out.push(d.range.start, d.range.end);
  for (const n of extra) {
    const line = n % lines.length;
    out.push({ line, character: Math.floor(n / lines.length) % (lines[line].length + 1) });
  }
  return out;
}

export interface Transcript {
  diagnostics: Diagnostic[];
  symbols: unknown;
  lenses: unknown;
  hovers: unknown[];
  completions: unknown[];
  actions: CodeAction[];
}

/**
 * Runs analyze() and every feature on `text`, checks every invariant (throws InvariantError or the
 * service's own error), and returns what was answered. `probes` picks extra cursor positions.
 */
export function languageTranscript(
  text: string,
  probes: number[] = [],
  opts: { applyFixes?: boolean; checkInvariants?: boolean } = {},
): Transcript {
  const a = analyzeFuzz(text);
  const lines = linesOf(text);
  if (opts.checkInvariants === false) return answersOnly(a, lines, probes);
  for (const d of a.diagnostics) {
    assertRangeInside(lines, d.range, `diagnostic ${String(d.code)}`);
    check(typeof d.message === 'string' && d.message.trim().length > 0, `diagnostic ${String(d.code)} has no message`);
    check(d.severity !== undefined && d.severity >= 1 && d.severity <= 4, `diagnostic ${String(d.code)} severity ${d.severity}`);
    check(d.source === 'cavra' && typeof d.code === 'string', `diagnostic without source or code: ${JSON.stringify(d)}`);
  }

  const symbols = languageFeatures.symbols(a);
  const walk = (list: typeof symbols, where: string): void => {
    for (const s of list) {
      assertRangeInside(lines, s.range, `${where} symbol ${s.name}`);
      assertRangeInside(lines, s.selectionRange, `${where} symbol ${s.name} selection`);
      check(
        contains(s.range, s.selectionRange),
        `symbol ${JSON.stringify(s.name)}: selectionRange ${JSON.stringify(s.selectionRange)} not inside range ${JSON.stringify(s.range)} (VS Code rejects the outline)`,
      );
      check(
        typeof s.name === 'string' && s.name.length > 0,
        `symbol with an empty name at ${JSON.stringify(s.range)}: VS Code's DocumentSymbol throws "name must not be falsy" and the whole outline fails`,
      );
      if (s.children) walk(s.children, `${where}${s.name}/`);
    }
  };
  walk(symbols, '');

  const lenses = languageFeatures.codeLenses(a);
  for (const l of lenses) assertRangeInside(lines, l.range, 'code lens');

  const hovers: unknown[] = [];
  const completions: unknown[] = [];
  for (const p of probePositions(lines, a.diagnostics, probes)) {
    const h = languageFeatures.hover(a, p);
    if (h?.range) assertRangeInside(lines, h.range, 'hover');
    hovers.push(h);
    const c = languageFeatures.completion(a, p);
    for (const item of c.items) {
      const edit = item.textEdit;
      if (edit && 'range' in edit) {
        assertRangeInside(lines, edit.range, `completion ${item.label}`);
        check(
          edit.range.start.line === p.line &&
            edit.range.end.line === p.line &&
            edit.range.start.character <= p.character &&
            p.character <= edit.range.end.character,
          `completion ${item.label}: edit range ${JSON.stringify(edit.range)} must be on the cursor's line and contain ${JSON.stringify(p)}`,
        );
      }
      for (const e of item.additionalTextEdits ?? [])
        assertRangeInside(lines, e.range, `completion ${item.label} additional edit`);
    }
    completions.push(c);
  }
  // Positions a stale client may send: past the last line, past a line's end.
  languageFeatures.hover(a, { line: lines.length + 3, character: 2 });
  languageFeatures.completion(a, { line: 0, character: lines[0].length + 50 });

  const whole: Range = {
    start: { line: 0, character: 0 },
    end: { line: lines.length - 1, character: lines[lines.length - 1].length },
  };
  const actions = languageFeatures.codeActions(a, whole, a.diagnostics);
  for (const action of actions) {
    const changes = action.edit?.changes ?? {};
    for (const [uri, edits] of Object.entries(changes)) {
      check(uri === a.doc.uri, `quick fix "${action.title}" edits another document ${uri}`);
      const fixed = applyEdits(text, edits, `quick fix "${action.title}"`);
      if (opts.applyFixes) analyzeFuzz(fixed);
    }
  }
  for (const d of a.diagnostics.slice(0, 5)) languageFeatures.codeActions(a, d.range, [d]);
  return { diagnostics: a.diagnostics, symbols, lenses, hovers, completions, actions };
}

/** The same answers without checking them: for comparing two runs (the invariant batches check them). */
function answersOnly(a: Analysis, lines: string[], probes: number[]): Transcript {
  const positions = probePositions(lines, a.diagnostics, probes);
  const whole: Range = {
    start: { line: 0, character: 0 },
    end: { line: lines.length - 1, character: lines[lines.length - 1].length },
  };
  return {
    diagnostics: a.diagnostics,
    symbols: languageFeatures.symbols(a),
    lenses: languageFeatures.codeLenses(a),
    hovers: positions.map((p) => languageFeatures.hover(a, p)),
    completions: positions.map((p) => languageFeatures.completion(a, p)),
    actions: languageFeatures.codeActions(a, whole, a.diagnostics),
  };
}
