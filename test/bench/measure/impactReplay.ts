// Impact replay end to end (issue 17): `cavra-policy impact` as a user runs it, a fresh process reading a
// 100,000-decision JSON Lines log and replaying it against a 1,000-rule pack and its draft. Wall time is the
// whole process (start, stream, replay, print); memory is the process's peak RSS (getrusage maxrss, read by
// a preload that writes it on exit). Targets: under 3 s and under 300 MB; judged in the report, never in a test.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CATEGORIES, impactScenario } from '../../cli/impactScenario';
import { describe, formatBytes, Samples } from './samples';
import { under } from './targets';

export interface ImpactReplayResults {
  decisions: number;
  packRules: number;
  logBytes: number;
  wall: Samples;
  peakRssBytes: number[];
  /** User + system CPU time of each run: on a shared machine wall time also measures the neighbours. */
  cpu: Samples;
  /** The 1-minute load average before each run. */
  load: number[];
  /** The changed decisions the last run reported, as a check that it replayed what it should. */
  summaryLine?: string;
}

/** Rules in the published impact-app pack besides the filler: block_write, require_approval_write, block, 2 allow, 1 server. */
const SCENARIO_RULES = 6;

const USAGE_HOOK =
  "process.on('exit', () => { const u = process.resourceUsage(); " +
  "process.stderr.write('\\nPEAK_RSS_KB ' + u.maxRSS + ' CPU_US ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n";

export function measureImpactReplay(cliJs: string, reps: number, decisions = 100_000, packRules = 1_000): ImpactReplayResults {
  const perCategory = Math.ceil(decisions / CATEGORIES.length);
  const scenario = impactScenario(perCategory, { extraRules: packRules - SCENARIO_RULES });
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cavra-bench-impact-')));
  const results: ImpactReplayResults = {
    decisions: scenario.logLines.length,
    packRules,
    logBytes: 0,
    wall: new Samples(),
    peakRssBytes: [],
    cpu: new Samples(),
    load: [],
  };
  try {
    for (const [path, text] of Object.entries({ ...scenario.files, 'usage.cjs': USAGE_HOOK })) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    writeFileSync(join(root, 'decisions.jsonl'), `${scenario.logLines.join('\n')}\n`);
    results.logBytes = statSync(join(root, 'decisions.jsonl')).size;
    for (let i = 0; i < reps; i++) {
      results.load.push(loadavg()[0]);
      const started = performance.now();
      const r = spawnSync(
        process.execPath,
        ['-r', join(root, 'usage.cjs'), cliJs, 'impact', scenario.draftPath, '--decisions', 'decisions.jsonl'],
        { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      );
      const ms = performance.now() - started;
      if (r.error || r.status !== 0) {
        if (r.signal === 'SIGTERM') results.wall.timedOut(60_000);
        else results.wall.fail(`exit ${r.status}: ${(r.stderr || String(r.error)).slice(0, 300)}`);
        continue;
      }
      results.wall.add(ms);
      const usage = /PEAK_RSS_KB (\d+) CPU_US (\d+)/.exec(r.stderr);
      if (usage) {
        results.peakRssBytes.push(Number(usage[1]) * 1024);
        results.cpu.add(Number(usage[2]) / 1000);
      }
      results.summaryLine = /^Replayed .*$/m.exec(r.stdout)?.[0];
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}

const MB = 1024 * 1024;

/** The report's section: the figures and the two targets judged. */
export function impactReplayLines(r: ImpactReplayResults): string[] {
  const wall = under(
    r.wall,
    3000,
    `impact replay of ${r.decisions.toLocaleString('en-US')} decisions, ${r.packRules.toLocaleString('en-US')}-rule pack: median < 3 s end to end`,
  );
  const peak = r.peakRssBytes.length ? Math.max(...r.peakRssBytes) : undefined;
  const memory = {
    measured: peak === undefined ? 'no samples' : `${formatBytes(peak)} peak RSS (highest of ${r.peakRssBytes.length} runs)`,
    verdict: peak === undefined ? 'NOT MEASURED' : peak < 300 * MB ? 'PASS' : 'FAIL',
  };
  return [
    '## Impact replay (issue 17)',
    '',
    `\`cavra-policy impact <draft> --decisions decisions.jsonl\` as a fresh process (production \`dist/cli.js\`): a ` +
      `${formatBytes(r.logBytes)} JSON Lines log of ${r.decisions.toLocaleString('en-US')} CAVRA decision records over every action type ` +
      `(test/cli/impactScenario.ts), replayed against a ${r.packRules.toLocaleString('en-US')}-rule published pack with an inherited parent and against its draft; ` +
      `${r.wall.count} runs. ${r.summaryLine ? `The CLI reported: "${r.summaryLine}".` : ''}`,
    '',
    '| Target | Measured | Verdict |',
    '| --- | --- | --- |',
    `| ${wall.target} | ${wall.measured} (${describe(r.wall)}) | ${wall.verdict} |`,
    `| impact replay, same runs: peak memory < 300 MB | ${memory.measured} | ${memory.verdict} |`,
    '',
    `CPU time (user + system) of the same runs: ${describe(r.cpu)}; 1-minute load average before each run: ` +
      `${r.load.map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores (wall time includes waiting for them).`,
  ];
}
