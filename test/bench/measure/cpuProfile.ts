// Where our server's time goes on the edit case: the server runs once under `node --cpu-prof`,
// is opened on the big policy and edited; self time per function is summed over the samples taken
// after the open, and each function is placed in its source module by the bundle's module comments.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspSession, sleep, type ServerSpec } from './lspSession';
import type { GeneratedPolicy } from './policyGenerator';

export interface HotFunction {
  name: string;
  module: string;
  selfMs: number;
}

export interface ProfileSummary {
  /** What the samples cover. */
  window: string;
  totalMs: number;
  hottest: HotFunction[];
  /** Self time summed per source module. */
  modules: { module: string; selfMs: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** esbuild's unminified bundles mark each module with a `// path/to/module.ts` line. */
function moduleMap(bundle: string): (line: number) => string {
  const starts: [number, string][] = [];
  bundle.split('\n').forEach((text, i) => {
    const m = /^\/\/ (?:\S*?\/)?((?:server|client|node_modules)\/\S+\.[cm]?[jt]s)$/.exec(text);
    if (m) starts.push([i, m[1].replace(/^.*node_modules\//, '')]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** Functions without a script URL: V8 internals, regular expressions, or code built at run time (ajv's validators). */
function sourceless(functionName: string): string {
  if (functionName.startsWith('RegExp:')) return '(V8 regular expression)';
  if (!functionName || functionName.startsWith('(')) return '(V8 internal)';
  return '(generated at run time, e.g. an ajv validator)';
}

export function summarizeProfile(profile: CpuProfile, bundle: string, sinceUs: number, top = 12): ProfileSummary {
  const moduleOf = moduleMap(bundle);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, HotFunction>();
  let t = profile.startTime;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const duration = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (!node || t < sinceUs || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = url.endsWith('.js') && !url.startsWith('node:') ? moduleOf(lineNumber) : url || sourceless(functionName);
    const name = functionName || '(anonymous)';
    const key = `${name}\u0000${module}`;
    const entry = self.get(key) ?? { name, module, selfMs: 0 };
    entry.selfMs += duration / 1000;
    self.set(key, entry);
    totalUs += duration;
  }
  const all = [...self.values()].sort((a, b) => b.selfMs - a.selfMs);
  const modules = new Map<string, number>();
  for (const f of all) modules.set(f.module, (modules.get(f.module) ?? 0) + f.selfMs);
  return {
    window: '',
    totalMs: totalUs / 1000,
    hottest: all.slice(0, top),
    modules: [...modules]
      .map(([module, selfMs]) => ({ module, selfMs }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
  };
}

/** Runs `serverJs` (an unminified bundle) under --cpu-prof: open, then `edits` one-character edits. */
export async function profileEdits(
  spec: ServerSpec,
  serverJs: string,
  workspace: string,
  policy: GeneratedPolicy,
  uri: string,
  edits: number,
  limitMs: number,
): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'cavra-bench-prof-'));
  try {
    const profiled: ServerSpec = { ...spec, args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, serverJs, '--stdio'] };
    const session = await LspSession.start(profiled, workspace, limitMs);
    let sinceUs = 0;
    const editMs: number[] = [];
    try {
      await session.open(uri, policy.text, limitMs);
      await session.settle(300, 5_000);
      sinceUs = Number(process.hrtime.bigint() / 1000n); // same monotonic clock as the profile's timestamps on Linux
      for (let i = 0; i < edits; i++) {
        const started = performance.now();
        await session.insert(
          uri,
          { line: policy.places.middleEntryLine, character: policy.places.middleEntryColumn },
          'x',
          limitMs,
        );
        editMs.push(performance.now() - started);
        await sleep(50);
      }
    } finally {
      await session.stop(); // a clean exit writes the profile
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the server wrote no .cpuprofile (did it exit cleanly?)');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const bundle = readFileSync(serverJs, 'utf8');
    let summary = summarizeProfile(profile, bundle, sinceUs);
    summary.window = `${edits} one-character edits, samples after the open (under the profiler each took ${editMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} to its diagnostics)`;
    if (summary.totalMs === 0) {
      summary = summarizeProfile(profile, bundle, 0);
      summary.window = `open + ${edits} edits (the clocks did not line up, so the whole session)`;
    }
    return summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
