// Expected strings were computed once on this project's dev machine with CPython 3:
// json.dumps(value, sort_keys=True, separators=(",", ":")), default ensure_ascii=True.
// They are pinned here so the tests need no Python.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { canonicalJson } from '../../../server/src/policy/canonicalJson';
import { PyFloat, PyTimestamp } from '../../../server/src/policy/pythonValues';

const f = (x: number) => new PyFloat(x);

describe('canonicalJson is byte-compatible with Python json.dumps(sort_keys=True, separators=(",", ":"))', () => {
  it('sorts keys at every level and writes true, false and null', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, false, null], c: { z: 'x', y: f(1) } }),
      '{"a":[true,false,null],"b":1,"c":{"y":1.0,"z":"x"}}',
    );
  });

  it('escapes every non-ASCII character as \\uXXXX, astral ones as surrogate pairs, and DEL', () => {
    assert.equal(
      canonicalJson({ t: 'café ☕ 😀 \u2028 \x7f \x00 \x1f "q" \\ \n\r\t\b\f /' }),
      '{"t":"caf\\u00e9 \\u2615 \\ud83d\\ude00 \\u2028 \\u007f \\u0000 \\u001f \\"q\\" \\\\ \\n\\r\\t\\b\\f /"}',
    );
  });

  it('escapes any string as JSON.stringify does, with every unit outside " "..."~" then written \\uXXXX', () => {
    // JSON.stringify (not ours) escapes quotes, backslashes, controls and lone surrogates; Python's
    // ensure_ascii also writes DEL and every other non-ASCII unit as \uXXXX, in lower case.
    const python = (s: string) =>
      JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const unit = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.constantFrom(0x00, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x22, 0x5c, 0x7f, 0xe9, 0x2028, 0xd83d, 0xde00, 0xffff),
    );
    const text = fc.array(unit, { maxLength: 12 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(text, (s) => {
        assert.equal(canonicalJson(s), python(s));
      }),
      { numRuns: 20000 },
    );
  });

  it('orders keys by code point, not by UTF-16 unit', () => {
    // U+FFFF sorts before U+1F600 in Python; JavaScript's default sort would put the surrogate pair first.
    assert.equal(
      canonicalJson({ b: 1, B: 2, a: 3, é: 4, '😀': 5, '\uffff': 6, _: 7, '10': 8, '9': 9 }),
      '{"10":8,"9":9,"B":2,"_":7,"a":3,"b":1,"\\u00e9":4,"\\uffff":6,"\\ud83d\\ude00":5}',
    );
  });

  it('writes floats as Python repr', () => {
    const floats = [
      1.0, 0.1, 1e16, 1e-5, 1e-4, 123456789012345678.0, 2026.05, 1.1, -0.0, 0.0, 1e22, 3.14159, 1.5e300, 5e-324, 100.0, 12345.678,
    ];
    assert.equal(
      canonicalJson(floats.map(f)),
      '[1.0,0.1,1e+16,1e-05,0.0001,1.2345678901234568e+17,2026.05,1.1,-0.0,0.0,1e+22,3.14159,1.5e+300,5e-324,100.0,12345.678]',
    );
  });

  it('writes non-finite floats as Python does (NaN, Infinity, -Infinity)', () => {
    assert.equal(canonicalJson([f(NaN), f(Infinity), f(-Infinity)]), '[NaN,Infinity,-Infinity]');
  });

  it('writes integers as digits', () => {
    assert.equal(canonicalJson([0, -1, 8, 80, 1e15, 2 ** 53]), '[0,-1,8,80,1000000000000000,9007199254740992]');
  });

  it('keeps empty mappings, lists and strings', () => {
    assert.equal(canonicalJson({ a: {}, b: [], c: '' }), '{"a":{},"b":[],"c":""}');
  });

  it('writes a YAML timestamp as the text Python str() gives it', () => {
    assert.equal(canonicalJson({ d: new PyTimestamp('2026-5-1 1:02:03', '2026-05-01 01:02:03') }), '{"d":"2026-05-01 01:02:03"}');
  });

  it('reproduces the SPEC 3.3 canonical string', () => {
    const pack = {
      metadata: {
        id: 'cavra-platform-baseline',
        title: 'Platform Baseline',
        description: 'Platform engineering controls.',
        version: '2026.05',
      },
      commands: { block: ['terraform apply -auto-approve'] },
    };
    assert.equal(
      canonicalJson(pack),
      '{"commands":{"block":["terraform apply -auto-approve"]},"metadata":{"description":"Platform engineering controls.","id":"cavra-platform-baseline","title":"Platform Baseline","version":"2026.05"}}',
    );
  });
});
