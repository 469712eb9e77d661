import { strict as assert } from 'node:assert';
import { PolicyDocument } from '../../../server/src/language/parse/policyDocument';

const doc = (text: string) => new PolicyDocument('file:///p.yaml', 1, text);

describe('PolicyDocument positions', () => {
  it('maps offsets to positions and back across LF, CRLF and lone CR line breaks', () => {
    const d = doc('a: 1\r\nb: 2\rc: 3\nd: 4');
    assert.deepEqual(
      [0, 6, 11, 16].map((o) => d.positionAt(o)),
      [
        { line: 0, character: 0 },
        { line: 1, character: 0 },
        { line: 2, character: 0 },
        { line: 3, character: 0 },
      ],
    );
    for (const o of [0, 3, 6, 9, 11, 16, 19]) assert.equal(d.offsetAt(d.positionAt(o)), o);
    assert.equal(d.lineCount, 4);
  });

  it('gives line bounds without their line break', () => {
    const d = doc('a: 1\r\nb: 2\n');
    assert.deepEqual(d.lineBounds(0), [0, 4]);
    assert.deepEqual(d.lineBounds(1), [6, 10]);
    assert.deepEqual(d.lineBounds(2), [11, 11]);
  });

  it('clamps positions outside the text', () => {
    const d = doc('a: 1\nb: 2');
    assert.equal(d.offsetAt({ line: 0, character: 99 }), 5, 'past the end of a line: the start of the next');
    assert.equal(d.offsetAt({ line: 9, character: 0 }), 9);
    assert.equal(d.offsetAt({ line: -1, character: 0 }), 0);
    assert.deepEqual(d.positionAt(99), { line: 1, character: 4 });
  });
});

describe('PolicyDocument lookups', () => {
  const text = 'metadata:\n  id: cavra-a\n  id: cavra-b\nfilesystem:\n  block_read: [".env", "**/*.pem"]\n';
  const d = doc(text);

  it('finds the value CAVRA keeps for a duplicated key: the last one', () => {
    const found = d.find(['metadata', 'id']);
    assert.equal(d.text.slice(found!.node!.range![0], found!.node!.range![1]), 'cavra-b');
  });

  it('finds list entries by index and nothing past the end', () => {
    assert.equal(
      d.text.slice(...(d.find(['filesystem', 'block_read', 1])!.node!.range!.slice(0, 2) as [number, number])),
      '"**/*.pem"',
    );
    assert.equal(d.find(['filesystem', 'block_read', 2]), undefined);
    assert.equal(d.find(['filesystem', 'nope']), undefined);
  });

  it('tells a cursor on a key from a cursor on its value', () => {
    const onKey = d.at(text.indexOf('block_read') + 3);
    assert.deepEqual([onKey.path, onKey.onKey], [['filesystem', 'block_read'], true]);
    const onEntry = d.at(text.indexOf('**/') + 1);
    assert.deepEqual([onEntry.path, onEntry.onKey], [['filesystem', 'block_read', 1], false]);
  });
});
