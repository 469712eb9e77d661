// Expected texts are CPython 3's repr()/str(), recorded once on this project's dev machine.
import { strict as assert } from 'node:assert';
import { parsePolicyYaml } from '../../../server/src/policy/policyYaml';
import { pyFloatRepr, pyStr, pyTruthy, PyFloat, type PyValue } from '../../../server/src/policy/pythonValues';

describe('Python values', () => {
  it('repr(float) picks the shortest round-trip digits and switches to exponents outside 1e-4..1e16', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [0.1, '0.1'],
      [1e16, '1e+16'],
      [9999999999999998, '9999999999999998.0'],
      [1e-5, '1e-05'],
      [1e-4, '0.0001'],
      [123456789012345678, '1.2345678901234568e+17'],
      [-0.0, '-0.0'],
      [1e22, '1e+22'],
      [5e-324, '5e-324'],
      [1.5e300, '1.5e+300'],
      [NaN, 'nan'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
      [-2.5, '-2.5'],
      [0.000123, '0.000123'],
    ];
    for (const [x, text] of cases) assert.equal(pyFloatRepr(x), text, String(x));
  });

  it("str() of values read from YAML, as CAVRA's draft applies it", () => {
    const cases: [string, string][] = [
      ["[1, 'a', it's, {k: v}]", "[1, 'a', \"it's\", {'k': 'v'}]"],
      ['{a: "it\'s", b: [true, null, 1.0]}', "{'a': \"it's\", 'b': [True, None, 1.0]}"],
      ['2026.05', '2026.05'],
      ['1.10', '1.1'],
      ['0.00001', '1e-05'],
      ['yes', 'True'],
      ['~', 'None'],
      ['2026-05-01', '2026-05-01'],
    ];
    for (const [source, text] of cases)
      assert.equal(pyStr((parsePolicyYaml(`x: ${source}\n`).value as { x: PyValue }).x), text, source);
  });

  it('truthiness follows Python', () => {
    for (const v of [null, false, 0, '', [], {}, new PyFloat(0)] as PyValue[])
      assert.equal(pyTruthy(v), false, JSON.stringify(v));
    for (const v of [true, 1, 'x', ['a'], { a: 1 }, new PyFloat(0.1)] as PyValue[])
      assert.equal(pyTruthy(v), true, JSON.stringify(v));
  });
});
