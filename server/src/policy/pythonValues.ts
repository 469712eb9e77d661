// Values as CAVRA's Python sees them. YAML floats and timestamps keep their Python identity so that
// str(), truthiness and json.dumps give CAVRA's answers (1.0 stays "1.0", a date prints as 2026-05-01).

export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

/** A YAML 1.1 timestamp: `datetime.date` or `datetime.datetime` in Python. */
export class PyTimestamp {
  constructor(
    readonly source: string,
    readonly pyStr: string,
  ) {}
  toJSON(): string {
    return this.pyStr;
  }
}

export type PyValue = null | boolean | number | string | PyFloat | PyTimestamp | PyValue[] | { [key: string]: PyValue };

export function isMapping(v: unknown): v is { [key: string]: PyValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat) && !(v instanceof PyTimestamp);
}

/** Python truthiness (of a PyValue, or of any JSON-like value such as token claims). */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python `repr(float)`: shortest round-trip digits, exponent outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= -5 + 1 && exp < 16) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      out = `${intPart}.${frac || '0'}`;
    } else {
      out = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exp < 0 ? '-' : '+';
    out = `${m}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return negative ? `-${out}` : out;
}

function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + quote;
}

function pyRepr(v: PyValue): string {
  if (typeof v === 'string') return pyReprString(v);
  return pyStr(v);
}

/** Python `str(value)`, as CAVRA applies it to draft metadata fields. */
export function pyStr(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof PyTimestamp) return v.pyStr;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, val]) => `${pyReprString(k)}: ${pyRepr(val)}`)
    .join(', ')}}`;
}

/** What a YAML value is, in words for messages. */
export function describeKind(v: unknown): string {
  if (v === null || v === undefined) return 'empty (null)';
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (typeof v === 'number') return `a number (${v})`;
  if (v instanceof PyFloat) return `a number (${pyFloatRepr(v.value)})`;
  if (v instanceof PyTimestamp) return `a date (${v.pyStr})`;
  if (typeof v === 'string') return 'a string';
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}
