// What a user does with one big policy, timed: open it (cold server), type one character in the
// middle of a large list a few times, hover a list entry and a key, ask for completion.
import type { Position } from 'vscode-languageserver-protocol/node';
import { LspSession, sleep, TimeoutError, type ServerSpec } from './lspSession';
import { unlikeTheDisk, type GeneratedPolicy } from './policyGenerator';
import { Samples } from './samples';

export interface ServerResults {
  open: Samples;
  edit: Samples;
  hoverEntry: Samples;
  hoverKey: Samples;
  completion: Samples;
  /** VmRSS right after the first diagnostics, per session. */
  rssAfterOpen: number[];
  /** VmHWM at the end of the session (also when it ended early). */
  peakRss: number[];
  /** Diagnostics in the first publication (a check that the schema was applied). */
  diagnostics: number | undefined;
  /** Memory when the open timed out, if it did. */
  rssAtTimeout?: number;
}

export function emptyResults(): ServerResults {
  return {
    open: new Samples(),
    edit: new Samples(),
    hoverEntry: new Samples(),
    hoverKey: new Samples(),
    completion: new Samples(),
    rssAfterOpen: [],
    peakRss: [],
    diagnostics: undefined,
  };
}

export interface SessionPlan {
  edits: number;
  /** Repetitions of each hover and of completion. */
  queries: number;
  /** Bound on the open → diagnostics wait. */
  openLimitMs: number;
  /** Bound on each other wait. */
  stepLimitMs: number;
}

class StopSession extends Error {}

/** Runs one session and adds its timings to `out`; never throws for a server's failure. */
export async function runEditorSession(
  spec: ServerSpec,
  workspace: string,
  policy: GeneratedPolicy,
  uri: string,
  plan: SessionPlan,
  out: ServerResults,
): Promise<void> {
  const all = [out.open, out.edit, out.hoverEntry, out.hoverKey, out.completion];
  if (out.open.timeouts || out.open.failure) return; // one cold open past the limit is enough to know
  let session: LspSession;
  try {
    session = await LspSession.start(spec, workspace, plan.stepLimitMs);
  } catch (e) {
    out.open.fail(`start: ${(e as Error).message}`);
    return;
  }
  const step = async (samples: Samples, limitMs: number, action: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await action();
      samples.add(performance.now() - started);
    } catch (e) {
      if (e instanceof TimeoutError) samples.timedOut(limitMs);
      else samples.fail((e as Error).message);
      throw new StopSession();
    }
  };
  const { places } = policy;
  const at = (line: number, character: number): Position => ({ line, character });
  try {
    await step(out.open, plan.openLimitMs, async () => {
      const published = await session.open(uri, unlikeTheDisk(policy.text), plan.openLimitMs);
      out.diagnostics ??= published.diagnostics.length;
    });
    const mem = session.memory();
    if (mem) out.rssAfterOpen.push(mem.rss);
    await session.settle(300, 5_000);
    for (let i = 0; i < plan.edits; i++) {
      await step(out.edit, plan.stepLimitMs, () =>
        session.insert(uri, at(places.middleEntryLine, places.middleEntryColumn), 'x', plan.stepLimitMs),
      );
      await sleep(50);
    }
    for (let i = 0; i < plan.queries; i++)
      await step(out.hoverEntry, plan.stepLimitMs, () => session.hover(uri, at(places.allowEntryLine, 10), plan.stepLimitMs));
    for (let i = 0; i < plan.queries; i++)
      await step(out.hoverKey, plan.stepLimitMs, () =>
        session.hover(uri, at(places.keyLine, places.keyColumn + 2), plan.stepLimitMs),
      );
    for (let i = 0; i < plan.queries; i++)
      await step(out.completion, plan.stepLimitMs, () =>
        session.completion(uri, at(places.completionLine, places.completionColumn), plan.stepLimitMs),
      );
  } catch (e) {
    if (!(e instanceof StopSession)) throw e;
    if (out.open.timeouts) {
      out.rssAtTimeout = session.memory()?.rss;
      for (const s of all.slice(1)) s.skipped ??= 'cold open timed out';
    } else {
      for (const s of all) if (!s.count) s.skipped ??= 'an earlier step of the session timed out or failed';
    }
  } finally {
    const end = session.memory();
    if (end) out.peakRss.push(end.peak);
    await session.stop();
  }
}
