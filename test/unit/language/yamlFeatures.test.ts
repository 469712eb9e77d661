// YAML features PyYAML supports and policies may use: anchors, aliases, merge keys.
import { strict as assert } from 'node:assert';
import { analyzeText, HEAD } from './analyzeText';

const codes = (text: string) => analyzeText(text).diagnostics.map((d) => `${d.code} ${d.range.start.line}`);

describe('anchors, aliases and merge keys', () => {
  it('a merge key is not a key CAVRA drops: its values are merged in', () => {
    const a = analyzeText(`${HEAD.replace('metadata:\n', 'metadata:\n  <<: {mode: enforce}\n')}`);
    assert.deepEqual(a.diagnostics, []);
    assert.equal((a.doc.value as { metadata: { mode: string } }).metadata.mode, 'enforce');
  });

  it('merged keys are validated as CAVRA sees them, and reported on the section they were merged into', () => {
    assert.deepEqual(codes(`shared: &reads\n  block_read: [".env"]\n  allow_read: [x]\n${HEAD}filesystem:\n  <<: *reads\n`), [
      'dropped-by-draft 0',
      'unknown-key 8',
    ]);
  });

  it('an aliased list counts like the list it names', () => {
    const a = analyzeText(`${HEAD}commands:\n  block: &b ["rm*", "dd*"]\n  require_approval: *b\n`);
    assert.deepEqual(a.summary.rule_counts.commands, 4);
  });
});
