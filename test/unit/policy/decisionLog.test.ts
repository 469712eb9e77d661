// The decision log reader gives the same records and the same problems however the file is cut into chunks
// (the CLI streams it in 1 MB pieces: a record, a string or an escape can straddle any two of them).
import assert from 'node:assert/strict';
import {
  DecisionLogReader,
  readDecisionLog,
  type DecisionLogSummary,
  type RecordedDecision,
} from '../../../server/src/policy/decisionLog';

const record = (i: number) => ({
  decision_id: `dec_${i}`,
  action_type: 'execute_command',
  target: `echo "quoted, {braced} [bracketed] \\ ${i}"`,
  requested_operation: 'x',
  policy_pack: 'p',
  policy_id: 'p',
  rule_id: 'commands.default.require_approval',
  decision: 'require_approval',
  severity: 'medium',
  approver_group: 'Repository Owners',
  timestamp: `2026-01-0${(i % 9) + 1}T00:00:00+00:00`,
});

function chunked(text: string, size: number): { records: RecordedDecision[]; summary: DecisionLogSummary } {
  const records: RecordedDecision[] = [];
  const reader = new DecisionLogReader((r) => records.push(r));
  for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
  return { records, summary: reader.end() };
}

describe('decision log reader', () => {
  const records = [0, 1, 2, 3].map(record);
  const logs: Record<string, string> = {
    'JSON Lines with a torn line and junk': [
      JSON.stringify(records[0]),
      JSON.stringify(records[1]).slice(0, 30),
      'not json',
      JSON.stringify(records[2]),
      '',
      JSON.stringify(records[3]),
    ].join('\n'),
    'a pretty-printed JSON array': JSON.stringify(records, null, 2),
    'pretty-printed records one after another, junk between': [
      JSON.stringify(records[0], null, 2),
      'junk line',
      JSON.stringify(records[1], null, 2),
      JSON.stringify(records[2], null, 2),
    ].join('\n'),
    'a JSON array cut off': JSON.stringify(records, null, 1).slice(0, -40),
    'JSON Lines whose first line is torn': [
      JSON.stringify(records[0]).slice(0, 50),
      ...records.slice(1).map((r) => JSON.stringify(r)),
    ].join('\n'),
  };

  for (const [name, text] of Object.entries(logs)) {
    it(`${name}: every chunk size gives the answer of one chunk`, () => {
      const whole = readDecisionLog(text);
      assert.ok(whole.records.length >= 2, `${name}: ${JSON.stringify(whole.summary)}`);
      for (let size = 1; size <= 64; size++) assert.deepEqual(chunked(text, size), whole, `chunk size ${size}`);
    });
  }

  it('names lines, kinds and the time span', () => {
    const { records: read, summary } = readDecisionLog(logs['JSON Lines with a torn line and junk']);
    assert.deepEqual(
      read.map((r) => r.line),
      [1, 4, 6],
    );
    assert.equal(read[0].target, records[0].target);
    assert.equal(read[0].approver_group, 'Repository Owners');
    assert.deepEqual(summary.problems, { malformed: 2, wrong_shape: 0, unsupported: 0 });
    assert.deepEqual(
      summary.listed.map((p) => p.line),
      [2, 3],
    );
    assert.equal(summary.first_timestamp, '2026-01-01T00:00:00+00:00');
    assert.equal(summary.last_timestamp, '2026-01-04T00:00:00+00:00');
  });

  it('a torn first line does not turn JSON Lines into one broken record', () => {
    const { records: read, summary } = readDecisionLog(logs['JSON Lines whose first line is torn']);
    assert.equal(summary.format, 'json_lines');
    assert.deepEqual(
      read.map((r) => r.line),
      [2, 3, 4],
    );
    assert.deepEqual(
      summary.listed.map((p) => [p.line, p.kind]),
      [[1, 'malformed']],
    );
  });

  it('pretty-printed records start on the line of their opening brace', () => {
    const { records: read, summary } = readDecisionLog(logs['pretty-printed records one after another, junk between']);
    const height = JSON.stringify(records[0], null, 2).split('\n').length;
    assert.deepEqual(
      read.map((r) => r.line),
      [1, height + 2, 2 * height + 2],
    );
    assert.deepEqual(
      summary.listed.map((p) => [p.line, p.kind]),
      [[height + 1, 'malformed']],
    );
  });
});
