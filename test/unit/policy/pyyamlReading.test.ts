// What CAVRA (PyYAML 6 safe_load, YAML 1.1) reads for each plain scalar. The expected Python types and
// str() values were recorded once with PyYAML 6.0.3 on this project's dev machine and pinned here.
import { strict as assert } from 'node:assert';
import { parsePolicyYaml } from '../../../server/src/policy/policyYaml';
import { PyFloat, PyTimestamp, pyStr, type PyValue } from '../../../server/src/policy/pythonValues';

function pyType(v: PyValue | undefined): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTimestamp) return /\d:\d\d:\d\d/.test(v.pyStr) ? 'datetime' : 'date';
  if (typeof v === 'string') return 'str';
  return Array.isArray(v) ? 'list' : 'dict';
}

const read = (scalar: string) => {
  const parsed = parsePolicyYaml(`x: ${scalar}\n`);
  assert.deepEqual(parsed.doc.errors, []);
  return (parsed.value as { x: PyValue }).x;
};

// [YAML source, Python type, str(value)] as PyYAML produced them.
const PYYAML: [string, string, string][] = [
  ['yes', 'bool', 'True'],
  ['No', 'bool', 'False'],
  ['ON', 'bool', 'True'],
  ['off', 'bool', 'False'],
  ['True', 'bool', 'True'],
  ['y', 'str', 'y'],
  ['n', 'str', 'n'],
  ['010', 'int', '8'],
  ['-010', 'int', '-8'],
  ['0b101', 'int', '5'],
  ['0x1F', 'int', '31'],
  ['1_000', 'int', '1000'],
  ['+12', 'int', '12'],
  ['0', 'int', '0'],
  ['00', 'int', '0'],
  ['1:20', 'int', '80'],
  ['1:02:03', 'int', '3723'],
  ['1:30.5', 'float', '90.5'],
  ['1e5', 'str', '1e5'],
  ['1.5e3', 'str', '1.5e3'],
  ['1.0e+5', 'float', '100000.0'],
  ['09', 'str', '09'],
  ['0_8', 'str', '0_8'],
  ['1.10', 'float', '1.1'],
  ['.5', 'float', '0.5'],
  ['-1.5', 'float', '-1.5'],
  ['2026.05', 'float', '2026.05'],
  ['.inf', 'float', 'inf'],
  ['-.Inf', 'float', '-inf'],
  ['2026-05-01', 'date', '2026-05-01'],
  ['2026-05-01 10:20:30', 'datetime', '2026-05-01 10:20:30'],
  ['2026-5-1 1:02:03', 'datetime', '2026-05-01 01:02:03'],
  ['2026-05-01T10:20:30.5Z', 'datetime', '2026-05-01 10:20:30.500000+00:00'],
  ['2026-05-01 10:20:30 +05:30', 'datetime', '2026-05-01 10:20:30+05:30'],
  ['2026-05-01t10:20:30-5', 'datetime', '2026-05-01 10:20:30-05:00'],
  ['2026-05-01T10:20:30.1234567+01', 'datetime', '2026-05-01 10:20:30.123456+01:00'],
  ['2026-05-01 10:20:30.000', 'datetime', '2026-05-01 10:20:30'],
  ['~', 'NoneType', 'None'],
  ['Null', 'NoneType', 'None'],
  ['', 'NoneType', 'None'],
  ['0.1.0', 'str', '0.1.0'],
];

describe('reading YAML as CAVRA does (PyYAML safe_load, YAML 1.1)', () => {
  for (const [source, type, str] of PYYAML) {
    it(`\`${source || '(empty)'}\` is ${type} ${str}`, () => {
      const v = read(source);
      assert.equal(pyType(v), type);
      assert.equal(pyStr(v), str);
    });
  }

  it('keeps the last of duplicate keys, as PyYAML does, and still reports them', () => {
    const parsed = parsePolicyYaml('metadata:\n  id: cavra-a\n  id: cavra-b\n');
    assert.deepEqual(parsed.value, { metadata: { id: 'cavra-b' } });
    assert.deepEqual(
      parsed.doc.errors.map((e) => e.code),
      ['DUPLICATE_KEY'],
    );
  });

  it('quoted scalars stay strings', () => {
    assert.equal(read('"yes"'), 'yes');
    assert.equal(read("'010'"), '010');
  });

  it('reads a stream of two documents as the first plus an extra document', () => {
    const parsed = parsePolicyYaml('a: 1\n---\nb: 2\n');
    assert.deepEqual(parsed.value, { a: 1 });
    assert.equal(parsed.extraDocuments.length, 1);
  });

  it('stops an alias bomb with a load error instead of expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const parsed = parsePolicyYaml(lines.join('\n'));
    assert.equal(parsed.value, undefined);
    assert.match(parsed.loadError ?? '', /alias/i);
  });
});
