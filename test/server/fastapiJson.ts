// JSON in and out the way CAVRA's FastAPI app handles it: Python's json decoder (its error messages and
// character positions, floats kept as floats, NaN/Infinity accepted) and FastAPI's 422 bodies; answers
// encoded as Starlette's JSONResponse writes them (compact, UTF-8, floats as Python repr).
import { PyFloat } from '../../server/src/policy/pythonValues';
import { encodeJson } from '../../server/src/backend/remote/requestBodies';

export class PythonJsonError extends Error {
  constructor(
    readonly msg: string,
    readonly pos: number,
  ) {
    super(`${msg}: char ${pos}`);
  }
}

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

/** Python's `json.loads` (C scanner messages); numbers with a fraction or exponent become PyFloat. */
export function pythonJsonLoads(text: string): unknown {
  let i = 0;
  const ws = () => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const value = (): unknown => {
    const c = text[i];
    if (c === '"') return string();
    if (c === '{') return object();
    if (c === '[') return array();
    for (const [word, v] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', new PyFloat(NaN)],
      ['Infinity', new PyFloat(Infinity)],
      ['-Infinity', new PyFloat(-Infinity)],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i = NUMBER.lastIndex;
      return m[1] || m[2] ? new PyFloat(Number(m[0])) : Number(m[0]);
    }
    throw new PythonJsonError('Expecting value', i);
  };
  const string = (): string => {
    const begin = i;
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) throw new PythonJsonError('Unterminated string starting at', begin);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: { [k: string]: string } = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === undefined) throw new PythonJsonError('Unterminated string starting at', begin);
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (e === 'u') {
          throw new PythonJsonError('Invalid \\uXXXX escape', i + 1);
        } else {
          throw new PythonJsonError('Invalid \\escape', i);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) throw new PythonJsonError('Invalid control character at', i);
      out += c;
      i++;
    }
  };
  const object = (): { [key: string]: unknown } => {
    const out: { [key: string]: unknown } = {};
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] !== '"') throw new PythonJsonError('Expecting property name enclosed in double quotes', i);
      const key = string();
      ws();
      if (text[i] !== ':') throw new PythonJsonError("Expecting ':' delimiter", i);
      i++;
      ws();
      out[key] = value();
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      if (text[i] !== ',') throw new PythonJsonError("Expecting ',' delimiter", i);
      i++;
      ws();
    }
  };
  const array = (): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value());
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      if (text[i] !== ',') throw new PythonJsonError("Expecting ',' delimiter", i);
      i++;
      ws();
    }
  };
  ws();
  const result = value();
  ws();
  if (i !== text.length) throw new PythonJsonError('Extra data', i);
  return result;
}

/** One FastAPI validation error item. */
export interface ValidationItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: { [key: string]: unknown };
}

export class RequestValidationError extends Error {
  constructor(readonly items: ValidationItem[]) {
    super('request validation failed');
  }
  body(): { detail: ValidationItem[] } {
    return { detail: this.items };
  }
}

/**
 * A body parameter as FastAPI reads `payload: dict = Body(...)`: JSON object required. An absent body
 * is `missing` (or `{}` when the endpoint's body is optional), malformed JSON is `json_invalid` with
 * Python's position, any other JSON value is `dict_type`.
 */
export function readBodyObject(raw: Buffer, optional: boolean): { [key: string]: unknown } {
  if (raw.length === 0) {
    if (optional) return {};
    throw new RequestValidationError([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  }
  let value: unknown;
  try {
    value = pythonJsonLoads(raw.toString('utf8'));
  } catch (e) {
    if (!(e instanceof PythonJsonError)) throw e;
    throw new RequestValidationError([
      { type: 'json_invalid', loc: ['body', e.pos], msg: 'JSON decode error', input: {}, ctx: { error: e.msg } },
    ]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof PyFloat) {
    throw new RequestValidationError([
      { type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: value },
    ]);
  }
  return value as { [key: string]: unknown };
}

/** A query parameter declared `int` in FastAPI. */
export function readQueryInt(name: string, raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (!/^\s*[-+]?\d+\s*$/.test(raw)) {
    throw new RequestValidationError([
      {
        type: 'int_parsing',
        loc: ['query', name],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: raw,
      },
    ]);
  }
  return Number(raw);
}

/** Starlette's JSONResponse body: json.dumps(ensure_ascii=False, separators=(",", ":")). */
export function starletteJson(value: unknown): Buffer {
  return Buffer.from(encodeJson(value), 'utf8');
}
