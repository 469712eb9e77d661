// `yaml.safe_dump(policy)` as CAVRA's publish writes it (PyYAML 6 defaults: sort_keys, block style,
// indent 2, width 80, allow_unicode off), ported from PyYAML's emitter so that a policy published
// from a JSON draft is byte-identical to CAVRA's file. Only what safe_dump of JSON-like data needs.
import { resolvePlainPy } from '../../policy/pyyamlSchema';
import { compareCodePoints } from '../../policy/policyDiff';
import { isMapping, PyFloat, pyFloatRepr, PyTimestamp, type PyValue } from '../../policy/pythonValues';

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const BREAKS = '\n\x85\u2028\u2029';
const WS = '\0 \t\r\n\x85\u2028\u2029';
const ESCAPES: { [ch: string]: string } = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

export class YamlDumpError extends Error {}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

function analyze(scalar: string): Analysis {
  const chars = [...scalar];
  if (chars.length === 0) return { empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (scalar.startsWith('---') || scalar.startsWith('...')) blockIndicators = true;
  let precededByWs = true;
  let followedByWs = chars.length === 1 || WS.includes(chars[1]);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWs) blockIndicators = true;
      if (ch === '-' && followedByWs) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWs) blockIndicators = true;
      if (ch === '#' && precededByWs) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) special = true; // allow_unicode is off
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWs = WS.includes(ch);
    followedByWs = i + 2 >= chars.length || WS.includes(chars[i + 2]);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted };
}

/** True when a plain scalar with this text would be read back as a str (PyYAML's implicit resolver). */
function plainIsStr(text: string): boolean {
  if (text === '<<' || text === '=') return false;
  return typeof resolvePlainPy(text) === 'string';
}

interface Scalar {
  text: string;
  /** implicit[0]: the plain form resolves to this value's own type. */
  plainImplicit: boolean;
}

function representScalar(value: PyValue): Scalar {
  if (value === null) return { text: 'null', plainImplicit: true };
  if (value === true) return { text: 'true', plainImplicit: true };
  if (value === false) return { text: 'false', plainImplicit: true };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 1e16) return { text: String(value), plainImplicit: true };
    return representScalar(new PyFloat(value));
  }
  if (value instanceof PyFloat) {
    const x = value.value;
    if (Number.isNaN(x)) return { text: '.nan', plainImplicit: true };
    if (x === Infinity) return { text: '.inf', plainImplicit: true };
    if (x === -Infinity) return { text: '-.inf', plainImplicit: true };
    let text = pyFloatRepr(x).toLowerCase();
    if (!text.includes('.') && text.includes('e')) text = text.replace('e', '.0e');
    return { text, plainImplicit: true };
  }
  if (value instanceof PyTimestamp) return { text: value.pyStr, plainImplicit: true };
  if (typeof value === 'string') return { text: value, plainImplicit: plainIsStr(value) };
  throw new YamlDumpError('not a scalar');
}

class Emitter {
  out = '';
  column = 0;
  indent: number | null = null;
  indents: (number | null)[] = [];
  whitespace = true;
  indention = true;

  private write(data: string): void {
    this.out += data;
    this.column += [...data].length;
  }

  increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }

  writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += data;
    this.column = 0;
  }

  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
  }

  writePlain(text: string, split: boolean): void {
    if (!text) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    const chars = [...text];
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(chars.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  writeSingleQuoted(text: string, split: boolean): void {
    this.writeIndicator("'", true);
    const chars = [...text];
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else {
            this.write(chars.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.writeLineBreak();
          for (const br of chars.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  writeDoubleQuoted(text: string, split: boolean): void {
    this.writeIndicator('"', true);
    const chars = [...text];
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      const cp = ch === undefined ? 0 : ch.codePointAt(0)!;
      if (ch === undefined || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(cp >= 0x20 && cp <= 0x7e)) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
        if (ch !== undefined) {
          let data: string;
          if (ch in ESCAPES) data = `\\${ESCAPES[ch]}`;
          else if (cp <= 0xff) data = `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
          else if (cp <= 0xffff) data = `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
          else data = `\\U${cp.toString(16).toUpperCase().padStart(8, '0')}`;
          this.write(data);
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < chars.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        const data = `${chars.slice(start, end).join('')}\\`;
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.writeIndicator('"', false);
  }

  emitScalar(value: PyValue, simpleKey: boolean): void {
    this.increaseIndent(true);
    const { text, plainImplicit } = representScalar(value);
    const a = analyze(text);
    let style: 'plain' | 'single' | 'double' = 'double';
    if (plainImplicit && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) style = 'plain';
    else if (a.allowSingleQuoted && !(simpleKey && a.multiline)) style = 'single';
    const split = !simpleKey;
    if (style === 'plain') this.writePlain(text, split);
    else if (style === 'single') this.writeSingleQuoted(text, split);
    else this.writeDoubleQuoted(text, split);
    this.popIndent();
  }

  emitNode(value: PyValue, ctx: { mapping?: boolean; simpleKey?: boolean }): void {
    if (Array.isArray(value)) {
      if (value.length === 0) return this.emitEmptyFlow('[', ']');
      this.increaseIndent(false, !!ctx.mapping && !this.indention);
      for (const item of value) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.emitNode(item, {});
      }
      this.popIndent();
      return;
    }
    if (isMapping(value)) {
      const keys = Object.keys(value).sort(compareCodePoints);
      if (keys.length === 0) return this.emitEmptyFlow('{', '}');
      this.increaseIndent(false);
      for (const key of keys) {
        this.writeIndent();
        const a = analyze(key);
        // check_simple_key counts the prepared tag (`!!str`, 5) with the text: under 128 in all.
        if ([...key].length + 5 < 128 && !a.empty && !a.multiline) {
          this.emitScalar(key, true);
          this.writeIndicator(':', false);
        } else {
          this.writeIndicator('?', true, false, true);
          this.emitScalar(key, false);
          this.writeIndent();
          this.writeIndicator(':', true, false, true);
        }
        this.emitNode(value[key], { mapping: true });
      }
      this.popIndent();
      return;
    }
    this.emitScalar(value, !!ctx.simpleKey);
  }

  private emitEmptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true);
    this.writeIndicator(close, false);
  }
}

/** The text `yaml.safe_dump(value)` returns. */
export function pyyamlSafeDump(value: PyValue): string {
  const e = new Emitter();
  e.emitNode(value, {});
  if (!isMapping(value) && !Array.isArray(value)) throw new YamlDumpError('only mappings and lists are written');
  e.writeIndent();
  return e.out;
}
