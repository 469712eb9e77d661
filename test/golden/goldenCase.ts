// Reads and writes golden cases: test/golden/<method>/<case>.md with `## Given` (one or more files,
// each a path line in backticks followed by a yaml fence), `## When` (LSP params as JSON) and
// `## Then` (the exact answer as JSON). See README.md beside this file.
import { readFileSync, writeFileSync } from 'node:fs';

export const DEFAULT_PATH = 'policies/cavra-example/policy.yaml';
/** Where the workspace appears in cases: the real temp folder is swapped for this. */
export const WORKSPACE = '/workspace';

export interface GoldenCase {
  file: string;
  title: string;
  /** Files of the workspace, relative path -> text (the caret, if any, still in place). */
  given: Map<string, string>;
  when: Record<string, unknown>;
  then: unknown;
  /** Optional: the target file's text after applying the first code action. */
  applied?: string;
}

interface Section {
  heading: string;
  body: string;
}

function sections(md: string): Section[] {
  const out: Section[] = [];
  const lines = md.split('\n');
  let current: Section | undefined;
  let inFence = false;
  for (const line of lines) {
    if (/^```/.test(line)) inFence = !inFence;
    const m = !inFence && /^## (.+)$/.exec(line);
    if (m) {
      current = { heading: m[1].trim(), body: '' };
      out.push(current);
    } else if (current) current.body += `${line}\n`;
  }
  return out;
}

/** Fenced blocks of a section, each with the backticked path line just before it (if any). */
function fences(body: string): { lang: string; path?: string; text: string }[] {
  const out: { lang: string; path?: string; text: string }[] = [];
  const re = /(?:^`([^`\n]+)`[ \t]*\n\s*)?^```(\w*)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m = re.exec(body); m; m = re.exec(body)) out.push({ path: m[1], lang: m[2], text: m[3] });
  return out;
}

function section(all: Section[], heading: string, file: string): Section {
  const s = all.find((x) => x.heading === heading);
  if (!s) throw new Error(`${file}: no "## ${heading}" section`);
  return s;
}

export function readCase(file: string): GoldenCase {
  const md = readFileSync(file, 'utf8');
  const all = sections(md);
  const title = /^# (.+)$/m.exec(md)?.[1].trim() ?? file;
  const given = new Map<string, string>();
  for (const f of fences(section(all, 'Given', file).body)) {
    // Files other than policies (an approval store, a signature) need their path line.
    if (f.lang !== 'yaml' && !f.path) throw new Error(`${file}: a Given \`${f.lang}\` fence needs its path line`);
    given.set(f.path ?? DEFAULT_PATH, f.text);
  }
  if (!given.size) throw new Error(`${file}: Given has no yaml file`);
  const json = (heading: string) => {
    const f = fences(section(all, heading, file).body).find((x) => x.lang === 'json');
    if (!f) throw new Error(`${file}: "## ${heading}" has no json fence`);
    return JSON.parse(f.text);
  };
  const appliedSection = all.find((s) => s.heading === 'Applied');
  return {
    file,
    title,
    given,
    when: json('When'),
    then: json('Then'),
    applied: appliedSection ? fences(appliedSection.body)[0]?.text : undefined,
  };
}

/** JSON with small values kept on one line, so ranges and positions read at a glance. */
export function formatJson(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return 'null';
  if (flat.length + indent.length <= 100 || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** Rewrites the Then (and Applied) sections with what the server answered. */
export function updateCase(c: GoldenCase, then: unknown, applied?: string): void {
  let md = readFileSync(c.file, 'utf8');
  md = md.replace(
    /(^## Then[ \t]*\n[\s\S]*?^```json[ \t]*\n)[\s\S]*?(^```[ \t]*$)/m,
    (_m, a: string, b: string) => `${a}${formatJson(then)}\n${b}`,
  );
  if (applied !== undefined) {
    const block = `## Applied\n\n\`\`\`yaml\n${applied}${applied.endsWith('\n') ? '' : '\n'}\`\`\`\n`;
    if (/^## Applied/m.test(md)) md = md.replace(/^## Applied[ \t]*\n[\s\S]*?^```yaml[ \t]*\n[\s\S]*?^```[ \t]*\n?/m, block);
    else md = `${md.trimEnd()}\n\n${block}`;
  }
  writeFileSync(c.file, md);
}
