// Which records concern a pack, and in what order (policy/packHistory.ts): approvals of its publishes
// and of actions its rules decided, evidence records naming it or one of those approvals or one of its
// rollouts, its rollout records; other packs' records stay out; break-glass is marked; equal times keep
// their source order; the PR summary escapes table cells.
import assert from 'node:assert/strict';
import { packHistoryMarkdown, packTimeline, type HistoryEvidence } from '../../../server/src/policy/packHistory';

const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 8, minutes)).toISOString().replace('Z', '+00:00');
const approval = (id: string, decision: Record<string, unknown>, history: [string, string, number, string?][]) => ({
  approval_id: id,
  approver_group: 'Platform Security',
  decision,
  history: history.map(([event, actor, m, reason]) => ({ event, actor, timestamp: t(m), reason: reason ?? null })),
});
const record = (
  seq: number,
  m: number,
  event: string,
  details: Record<string, unknown>,
  approval_ids: string[] = [],
): HistoryEvidence => ({
  seq,
  recorded_at: t(m),
  event,
  actor: 'ops',
  approval_ids,
  digests: {},
  details,
});
const rollout = (id: string, pack: string, m: number) => ({
  rollout_id: id,
  policy_pack: pack,
  mode: 'enforce',
  state: 'active',
  coverage_percent: 50,
  policy_version: '1',
  created_at: t(m),
  updated_at: t(m),
});

describe('packTimeline: one pack, in time order', () => {
  const sources = {
    approvals: [
      approval('apr_pub', { action_type: 'policy_publish', policy_id: 'cavra-pay' }, [
        ['requested', 'pat', 1],
        ['break_glass', 'ines', 2, 'outage'],
      ]),
      approval('apr_write', { action_type: 'write_file', target: 'policies/cavra-pay/extra.yaml' }, [['requested', 'bot', 3]]),
      approval('apr_other', { action_type: 'policy_publish', policy_id: 'cavra-ops' }, [['requested', 'pat', 0]]),
    ],
    evidence: [
      record(1, 1, 'publish_request', { policy_id: 'cavra-pay' }, ['apr_pub']),
      record(2, 4, 'publish', { policy_id: 'cavra-pay', approval_state: 'break_glass', algorithm: 'Ed25519' }, ['apr_pub']),
      record(3, 4, 'publish', { policy_id: 'cavra-ops' }, ['apr_other']),
      record(4, 6, 'rollout_apply', { rollout_id: 'api:cavra-pay', mode: 'strict' }),
      record(5, 7, 'rollout_apply', { rollout_id: 'api:cavra-ops', mode: 'strict' }),
    ],
    rollouts: [rollout('api:cavra-pay', 'cavra-pay', 6), rollout('api:cavra-ops', 'cavra-ops', 7)],
  };

  it("keeps the pack's records only, oldest first, and marks break-glass", () => {
    const events = packTimeline('cavra-pay', sources);
    assert.deepEqual(
      events.map((e) => [e.title, e.at.slice(11, 16)]),
      [
        ['approval requested (publish)', '08:01'],
        ['break-glass', '08:02'],
        ['approval requested (write_file)', '08:03'],
        ['publish', '08:04'],
        ['rollout apply', '08:06'],
        ['rollout api:cavra-pay now', '08:06'],
      ],
    );
    assert.deepEqual(
      events.filter((e) => e.attention).map((e) => e.title),
      ['break-glass', 'publish'],
    );
    assert.match(events[3].detail, /signed Ed25519 · under break_glass approval/);
  });

  it('the PR summary puts break-glass in a caution block and escapes table cells', () => {
    const events = packTimeline('cavra-pay', sources);
    events[0].detail = 'a | b';
    const md = packHistoryMarkdown({ pack_id: 'cavra-pay', events, provenance: null, chain: null, limits: ['no log here'] });
    assert.match(md, /> \[!CAUTION\]\n> .*\*\*break-glass\*\* by ines \(reason: outage\)/);
    assert.match(md, /\| a \\\| b \|/);
    assert.match(md, /_no log here_/);
  });
});
