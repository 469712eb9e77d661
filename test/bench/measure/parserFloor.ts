// The floor for a cold parse: the `yaml` library's parseDocument alone on the same text, in a fresh
// process (what a freshly started server pays) and warm in this process (after JIT warm-up).
import { spawnSync } from 'node:child_process';
import { parseDocument } from 'yaml';
import { Samples } from './samples';

export function coldParse(parseOnceJs: string, file: string, reps: number, limitMs: number): Samples {
  const s = new Samples();
  for (let i = 0; i < reps; i++) {
    const r = spawnSync(process.execPath, [parseOnceJs, file], { encoding: 'utf8', timeout: limitMs });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') s.timedOut(limitMs);
    else if (r.status !== 0) s.fail(r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    else s.add((JSON.parse(r.stdout) as { ms: number }).ms);
  }
  return s;
}

export function warmParse(text: string, reps: number): Samples {
  for (let i = 0; i < 2; i++) parseDocument(text);
  const s = new Samples();
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    parseDocument(text);
    s.add(performance.now() - started);
  }
  return s;
}
