// The YAML 1.1 scalar rules of PyYAML's SafeLoader (what CAVRA uses), as tags for the `yaml` package.
// `yaml`'s own 1.1 schema is close but not equal: it reads `y`/`n` as booleans, `1e5` as a float and
// `09` as an integer, which PyYAML reads as strings.
import type { ScalarTag } from 'yaml';
import { PyFloat, PyTimestamp } from './pythonValues';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP =
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

function sexagesimal(text: string): number {
  let value = 0;
  for (const part of text.split(':')) value = value * 60 + Number(part);
  return value;
}

export function resolveInt(source: string): number {
  let s = source.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * parseInt(s, 8);
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * parseInt(s, 10);
}

export function resolveFloat(source: string): number {
  let s = source.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

/** Python's str() of the date or datetime PyYAML builds: microseconds only when not zero, the offset when given. */
function timestampStr(source: string): string {
  const m =
    /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/.exec(
      source,
    )!;
  const date = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  if (m[4] === undefined) return date;
  const micro = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  const frac = Number(micro) ? `.${micro}` : '';
  const zone = m[8] === undefined ? '' : m[8] === 'Z' ? '+00:00' : `${m[9]}${m[10].padStart(2, '0')}:${m[11] ?? '00'}`;
  return `${date} ${m[4].padStart(2, '0')}:${m[5]}:${m[6]}${frac}${zone}`;
}

export const pyyamlScalarTags: ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:null', default: true, test: NULL, resolve: () => null, identify: (v) => v === null },
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    test: BOOL,
    resolve: (s) => /^[yYtToO]/.test(s) && !/^(?:off|Off|OFF)$/.test(s),
    identify: (v) => typeof v === 'boolean',
  },
  { tag: 'tag:yaml.org,2002:int', default: true, test: INT, resolve: resolveInt, identify: (v) => typeof v === 'number' },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    test: FLOAT,
    resolve: (s) => new PyFloat(resolveFloat(s)),
    identify: (v) => v instanceof PyFloat,
  },
  {
    tag: 'tag:yaml.org,2002:timestamp',
    default: true,
    test: TIMESTAMP,
    resolve: (s) => new PyTimestamp(s, timestampStr(s)),
    identify: (v) => v instanceof PyTimestamp,
  },
];

/** How a plain scalar reads under PyYAML (YAML 1.1) — used to compare with YAML 1.2. */
export function resolvePlainPy(source: string): unknown {
  for (const t of pyyamlScalarTags) if ((t.test as RegExp).test(source)) return t.resolve(source, () => undefined, {});
  return source;
}
