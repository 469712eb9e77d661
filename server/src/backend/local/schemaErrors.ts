// CAVRA's `validate_policy` output: jsonschema (Draft 2020-12) errors as "<dotted.path>: <message>"
// ("<root>" for the top), sorted by path, with jsonschema's wording and Python reprs. Validation runs
// on schemas/policy.schema.json, the project's single copy of CAVRA's packaged schema.
import type { ErrorObject } from 'ajv/dist/2020';
import { isMapping, PyFloat, PyTimestamp, pyStr, type PyValue } from '../../policy/pythonValues';
import { compareCodePoints } from '../../policy/policyDiff';
import { policyValidator } from '../../policy/schemaValidator';

/** What ajv validates: plain JSON, with YAML timestamps kept distinct (they are not strings to CAVRA). */
function plain(value: PyValue | undefined): unknown {
  if (value instanceof PyFloat) return value.value;
  if (value instanceof PyTimestamp) return { __timestamp__: value.pyStr };
  if (Array.isArray(value)) return value.map(plain);
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function timestampRepr(pyStrValue: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?)?/.exec(pyStrValue);
  if (!m) return pyStrValue;
  const n = (s: string) => String(Number(s));
  if (m[4] === undefined) return `datetime.date(${n(m[1])}, ${n(m[2])}, ${n(m[3])})`;
  const parts = [m[1], m[2], m[3], m[4], m[5]].map(n);
  if (Number(m[6]) || Number(m[7] ?? 0)) parts.push(n(m[6]));
  if (Number(m[7] ?? 0)) parts.push(n(m[7]));
  return `datetime.datetime(${parts.join(', ')})`;
}

/** Python repr of an instance as jsonschema puts it in messages. */
function pyRepr(value: unknown): string {
  if (isMapping(value) && typeof (value as { __timestamp__?: unknown }).__timestamp__ === 'string') {
    return timestampRepr((value as { __timestamp__: string }).__timestamp__);
  }
  if (typeof value === 'string') return pyStr([value]).slice(1, -1);
  if (typeof value === 'number' && !Number.isInteger(value)) return pyStr(new PyFloat(value));
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return pyStr(value as PyValue);
}

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => {
      const s = p.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(?:0|[1-9]\d*)$/.test(s) ? Number(s) : s;
    });
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const p of path) v = (v as { [k: string]: unknown } | unknown[])?.[p as never];
  return v;
}

function message(e: ErrorObject, instance: unknown, siblings: ErrorObject[]): string | undefined {
  const p = e.params as { [k: string]: unknown };
  switch (e.keyword) {
    case 'required':
      return `${pyRepr(p.missingProperty)} is a required property`;
    case 'type': {
      const types = String(p.type).split(',');
      return `${pyRepr(instance)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`;
    }
    case 'pattern':
      return `${pyRepr(instance)} does not match ${pyRepr(p.pattern)}`;
    case 'minLength':
      return Number(p.limit) === 1 ? `${pyRepr(instance)} should be non-empty` : `${pyRepr(instance)} is too short`;
    case 'maxLength':
      return `${pyRepr(instance)} is too long`;
    case 'minItems':
      return Number(p.limit) === 1 ? `${pyRepr(instance)} should be non-empty` : `${pyRepr(instance)} is too short`;
    case 'maxItems':
      return `${pyRepr(instance)} is too long`;
    case 'enum':
      return `${pyRepr(instance)} is not one of ${pyRepr(e.schema ?? p.allowedValues)}`;
    case 'const':
      return `${pyRepr(p.allowedValue)} was expected`;
    case 'uniqueItems':
      return `${pyRepr(instance)} has non-unique elements`;
    case 'additionalProperties': {
      // jsonschema reports every extra key of one object in one error, keys sorted.
      const extras = siblings
        .filter((s) => s.keyword === 'additionalProperties' && s.instancePath === e.instancePath && s.schemaPath === e.schemaPath)
        .map((s) => String((s.params as { additionalProperty: string }).additionalProperty))
        .sort(compareCodePoints);
      if (extras[0] !== p.additionalProperty) return undefined;
      return `Additional properties are not allowed (${extras.map((x) => pyRepr(x)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
    }
    case 'oneOf':
      return p.passingSchemas
        ? `${pyRepr(instance)} is valid under each of ${'the given schemas'}`
        : `${pyRepr(instance)} is not valid under any of the given schemas`;
    case 'anyOf':
      return `${pyRepr(instance)} is not valid under any of the given schemas`;
    default:
      return e.message ? `${pyRepr(instance)}: ${e.message}` : undefined;
  }
}

function comparePaths(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return compareCodePoints(x, y);
  }
  return a.length - b.length;
}

/** CAVRA's validation errors for a normalized policy pack; empty when valid. */
export function policySchemaErrors(policy: PyValue): string[] {
  const instance = plain(policy);
  const validate = policyValidator('cavra');
  if (validate(instance)) return [];
  const errors = (validate.errors ?? []).filter((e) => !/\/(?:oneOf|anyOf)\/\d+\//.test(e.schemaPath));
  const out: { path: (string | number)[]; text: string }[] = [];
  for (const e of errors) {
    const path = pathOf(e.instancePath);
    const text = message(e, valueAt(instance, path), errors);
    if (text === undefined) continue;
    out.push({ path, text: `${path.length ? path.join('.') : '<root>'}: ${text}` });
  }
  // Array.prototype.sort is stable, as Python's sorted is.
  return out.sort((a, b) => comparePaths(a.path, b.path)).map((e) => e.text);
}
