// Issue 14: every shape of pack (measure/policyGenerator.ts SHAPES) at each large size, our server only.
// Two cold opens per session pair: right after `initialize` (as the extension opens its files, the
// server still starting) and after the server is quiet; then one-character edits spread over every
// list (at least 100 per shape and size), each timed to the diagnostics of its version, published (push,
// as LSP clients without pull diagnostics get them) and pulled (as VS Code asks our server for them).
import type { Position } from 'vscode-languageserver-protocol/node';
import { LspSession, QUIET_MS, sleep, type ServerSpec } from './lspSession';
import { withoutCodeCache } from './servers';
import { unlikeTheDisk, type GeneratedPolicy, type Shape } from './policyGenerator';
import { describe, formatBytes, type Samples as SamplesType } from './samples';
import { Samples } from './samples';
import type { Verdict } from './targets';

export interface ShapeResults {
  shape: Shape;
  rules: number;
  openEarly: SamplesType;
  /** The early open of a server's first start after an install or update: no code cache yet. */
  openEarlyFirst: SamplesType;
  openQuiet: SamplesType;
  edit: SamplesType;
  /** The same edits in a client that pulls (VS Code): didChange, then `textDocument/diagnostic` at once. */
  editPulled: SamplesType;
  /** Of those pulls, how many the server answered "unchanged". */
  unchanged: number;
  rss: number[];
  /** The 1-minute load average when this shape and size started (two cores shared by others). */
  load: number;
}

export function emptyShapeResults(shape: Shape, rules: number, load: number): ShapeResults {
  return {
    shape,
    rules,
    openEarly: new Samples(),
    openEarlyFirst: new Samples(),
    openQuiet: new Samples(),
    edit: new Samples(),
    editPulled: new Samples(),
    unchanged: 0,
    rss: [],
    load,
  };
}

async function timed(samples: Samples, action: () => Promise<unknown>): Promise<boolean> {
  const started = performance.now();
  try {
    await action();
    samples.add(performance.now() - started);
    return true;
  } catch (e) {
    samples.fail((e as Error).message);
    return false;
  }
}

/**
 * Three sessions: an early open (then the edits, pushed), a quiet open, and an early open of a first
 * start (no code cache); with `pull`, a fourth: the edits again, pulled (once per shape and size is enough
 * samples: every place is edited in each session).
 */
export async function runShapeSessions(
  spec: ServerSpec,
  workspace: string,
  policy: GeneratedPolicy,
  uri: string,
  limitMs: number,
  out: ShapeResults,
  pull: boolean,
): Promise<void> {
  const early = await LspSession.start(spec, workspace, limitMs, false);
  try {
    if (!(await timed(out.openEarly, () => early.open(uri, policy.text, limitMs)))) return;
    const mem = early.memory();
    if (mem) out.rss.push(mem.rss);
    await early.settle(300, 5_000);
    // Each place is edited once, so the columns written by the generator stay right.
    for (const place of policy.places.edits) {
      const at: Position = { line: place.line, character: place.column };
      if (!(await timed(out.edit, () => early.insert(uri, at, 'x', limitMs)))) break;
      await sleep(20);
    }
  } finally {
    await early.stop();
  }
  const quiet = await LspSession.start(spec, workspace, limitMs);
  try {
    await timed(out.openQuiet, () => quiet.open(uri, unlikeTheDisk(policy.text), limitMs));
  } finally {
    await quiet.stop();
  }
  const first = await LspSession.start(withoutCodeCache(spec), workspace, limitMs, false);
  try {
    await timed(out.openEarlyFirst, () => first.open(uri, policy.text, limitMs));
  } finally {
    await first.stop();
  }
  if (!pull) return;
  const pulled = await LspSession.start(spec, workspace, limitMs, false, true);
  try {
    await pulled.openPulled(uri, policy.text, limitMs);
    await pulled.settle(300, 5_000);
    for (const place of policy.places.edits) {
      const at: Position = { line: place.line, character: place.column };
      if (!(await timed(out.editPulled, () => pulled.insertPulled(uri, at, 'x', limitMs)))) break;
      await sleep(20);
    }
    out.unchanged += pulled.unchangedAnswers;
  } finally {
    await pulled.stop();
  }
}

interface ShapeJudgement {
  target: string;
  verdict: Verdict;
}

function under(s: SamplesType, q: number, limitMs: number, target: string): ShapeJudgement {
  const v = s.quantile(q);
  return { target, verdict: v === undefined ? 'NOT MEASURED' : v < limitMs ? 'PASS' : 'FAIL' };
}

/** Issue 14's per-shape targets for one shape and size. */
export function judgeShape(r: ShapeResults): ShapeJudgement[] {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  if (r.rules >= 100_000) {
    const rss = median(r.rss);
    return [
      under(r.openEarly, 0.5, 700, 'open p50 < 700 ms (early)'),
      under(r.openQuiet, 0.5, 700, 'open p50 < 700 ms (quiet)'),
      under(r.edit, 0.5, 30, 'edit p50 < 30 ms (push)'),
      under(r.editPulled, 0.5, 30, 'edit p50 < 30 ms (pull)'),
      {
        target: 'RSS < 250 MB',
        verdict: rss === undefined ? 'NOT MEASURED' : rss < 250 * 1024 * 1024 ? 'PASS' : 'FAIL',
      },
    ];
  }
  return [
    under(r.openEarly, 0.5, 200, 'open p50 < 200 ms (early)'),
    under(r.openQuiet, 0.5, 200, 'open p50 < 200 ms (quiet)'),
    under(r.edit, 0.5, 15, 'edit p50 < 15 ms (push)'),
    under(r.edit, 0.95, 40, 'edit p95 < 40 ms (push)'),
    under(r.editPulled, 0.5, 15, 'edit p50 < 15 ms (pull)'),
    under(r.editPulled, 0.95, 40, 'edit p95 < 40 ms (pull)'),
  ];
}

/** The shapes section of the report: figures, load and PASS/FAIL per target per shape. */
export function renderShapes(results: ShapeResults[], machine: string): string {
  if (!results.length) return '';
  const lines = [
    '',
    '## Every shape of pack (issue 14)',
    '',
    `Our server only, production build. ${machine}. Each shape and size first waits (at most 20 s) for the CPUs to be 85% idle. Cells are median / p95 (n). "Early" opens right after`,
    `\`initialize\`, as the extension does; "quiet" opens once the server has pulled its settings and used no CPU for ${QUIET_MS} ms (longer than the 300 ms after which the server starts its workspace pass, so the open does not meet that pass), a text that differs from the disk in its first line (so nothing the server read from disk meanwhile is reused).`,
    'Edits: one character inside a pattern, at 16 places spread over each of the 8 lists, timed to their diagnostics twice: published by the server (push, what LSP clients without pull diagnostics get) and pulled (VS Code with this extension: `textDocument/diagnostic` right after each change, answered "unchanged" when the findings are the same; the count is in the cell), each in its own session.',
    'Servers start as they do every time but the first after an install or update: with the code cache (server/src/launch/codeCache.ts) the previous start wrote, so they do not parse and compile their bundle again; the JIT is as cold as ever. "First start" is the early open without that cache, in a session of its own; it is shown, not judged.',
    '"30x faster than yaml-language-server" is judged on the `spread` shape in the table above.',
    '',
    '| shape | rules | load (1 min) | open early | open quiet | open early, first start (no code cache) | edit, push | edit, pull (unchanged) | RSS after open | targets |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const verdicts = judgeShape(r)
      .map((j) => `${j.target}: **${j.verdict}**`)
      .join('; ');
    const rss = r.rss.length ? formatBytes([...r.rss].sort((a, b) => a - b)[Math.floor((r.rss.length - 1) / 2)]) : '—';
    lines.push(
      `| ${r.shape} | ${r.rules.toLocaleString('en-US')} | ${r.load.toFixed(2)} | ${describe(r.openEarly)} | ${describe(r.openQuiet)} | ${describe(r.openEarlyFirst)} | ${describe(r.edit)} | ${describe(r.editPulled)} (${r.unchanged} unchanged) | ${rss} | ${verdicts} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
