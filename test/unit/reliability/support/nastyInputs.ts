// The named nasties: inputs built to exhaust a parser or to slip past it. Each is a function so that
// a worker (or a child process) builds its own copy, and big ones never cross a message channel.

export const HEAD = 'metadata:\n  id: cavra-fuzz\n  title: Fuzz\n  description: Hostile input.\n  version: "1.0.0"\n';

/** Billion laughs: nine levels of nine aliases each, 9^9 nodes if expanded. */
export function aliasBomb(): string {
  const lines = ['lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++)
    lines.push(
      `lol${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${HEAD}${lines.join('\n')}\ncommands:\n  block: *a9\n`;
}

/** The same bomb reached through a merge key and a complex key, where other code paths expand nodes. */
export function aliasBombThroughKeys(): string {
  return `${aliasBomb()}? *a9\n: x\nfilesystem:\n  <<: {block_read: *a9}\n`;
}

export const NESTING = 10_000;

export function deepFlowNesting(): string {
  return `${HEAD}commands:\n  block: ${'['.repeat(NESTING)}x${']'.repeat(NESTING)}\n`;
}

export function deepFlowMaps(): string {
  return `${HEAD}commands: ${'{a: '.repeat(NESTING)}1${'}'.repeat(NESTING)}\n`;
}

export function deepBlockSequences(): string {
  return `${HEAD}commands:\n  block:\n    ${'- '.repeat(NESTING)}x\n`;
}

export function deepBlockMaps(levels = 1500): string {
  return HEAD + Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
}

export function unclosedDeep(): string {
  return `${HEAD}commands: ${'['.repeat(NESTING * 2)}\n`;
}

/** A policy padded to `mb` MB with list entries (a realistic shape, not one giant line). */
export function bigPolicy(mb: number): string {
  const line = '    - "terraform apply something-long-enough-to-fill-the-file"\n';
  return `${HEAD}commands:\n  block:\n${line.repeat(Math.ceil((mb * 1024 * 1024) / line.length))}`;
}

/** Deterministic pseudo-random bytes (no Math.random: a failure must replay). */
export function junkBytes(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A valid policy with bytes that are not UTF-8 in a value (a lone continuation byte, a cut sequence). */
export function invalidUtf8Policy(): Uint8Array {
  return Buffer.concat([
    Buffer.from(`${HEAD}commands:\n  block:\n    - "caf`),
    Buffer.from([0xe9, 0x80, 0xc3]),
    Buffer.from('"\n'),
  ]);
}

/** One megabyte of blanks before a syntax error: every "trim the end" must be linear. */
export function blanksThenError(bytes = 1024 * 1024): string {
  return `${HEAD}commands: [${' '.repeat(bytes)}x\n`;
}

export const TAB_INDENT = 'metadata:\n\tid: cavra-fuzz\n\ttitle: Fuzz\n';
export const MERGE_KEYS = `${HEAD}base: &base\n  block: ["terraform destroy*"]\n  allow: ["git status*"]\ncommands:\n  <<: *base\n  require_approval: ["git tag*"]\n`;
export const BAD_MERGE = `${HEAD}commands:\n  <<: 5\n`;
export const CUSTOM_TAG = `${HEAD}commands: !custom\n  block: [x]\n`;
export const PYTHON_TAG = `${HEAD}commands: !!python/object/apply:os.system ["id"]\n`;
export const MULTI_DOCUMENT = `${HEAD}---\nmetadata: {id: cavra-second}\n`;
/** Characters PyYAML's reader refuses ("unacceptable character ... special characters are not allowed"). */
export const CONTROL_CHARACTERS: [string, string][] = [
  ['NUL in a quoted value', `${HEAD}commands:\n  block:\n    - "a\0b"\n`],
  ['DEL in a plain value', `${HEAD}commands:\n  block:\n    - a\x7fb\n`],
  ['a C1 control in a comment', `${HEAD}# note \x90\n`],
];
