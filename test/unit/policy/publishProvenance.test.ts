// The chain rule's edges that the CLI tests do not reach: signatures that are valid but prove no signer
// (HS256 checked without its key; a verdict the signature check qualified, as an unpinned key will be),
// the latest publish of the same bytes deciding, and an approval for another pack.
import { strict as assert } from 'node:assert';
import {
  normalizedDigestOf,
  publishProvenance,
  type ProvenanceInput,
  type ProvenanceRecord,
} from '../../../server/src/policy/publishProvenance';

const TEXT = 'metadata:\n  id: p\n  title: P\n  description: d\n  version: "1"\n';
const FILE = `sha256:${'a'.repeat(64)}`;
const NORMALIZED = normalizedDigestOf(TEXT)!;

function publish(seq: number, approval: string): ProvenanceRecord {
  return {
    seq,
    recorded_at: `2026-01-0${seq}T00:00:00+00:00`,
    event: 'publish',
    actor: 'ci',
    actor_context: null,
    approval_ids: [approval],
    digests: { policy_file_digest: FILE },
    details: { policy_id: 'p' },
  };
}

const approved = (id: string, state: string, policyId = 'p') => ({
  approval_id: id,
  state,
  decided_by: 'alice',
  decision: { action_type: 'policy_publish', policy_id: policyId, policy_digest: NORMALIZED },
});

function input(over: Partial<ProvenanceInput> = {}): ProvenanceInput {
  return {
    policyId: 'p',
    text: TEXT,
    fileDigest: FILE,
    signature: { ok: true, algorithm: 'Ed25519', message: 'verified Ed25519 signature', signatureChecked: true },
    evidence: [publish(1, 'apr_1')],
    approval: (id) => (id === 'apr_1' ? approved('apr_1', 'approved') : undefined),
    approverVerificationRequired: false,
    ...over,
  };
}

describe('publishProvenance (policy/publishProvenance.ts)', () => {
  it('verified when every link holds', () => {
    const p = publishProvenance(input());
    assert.deepEqual([p.state, p.outcome, p.approval_id, p.publish_seq], ['verified', 'pass', 'apr_1', 1]);
  });

  it('HS256 checked without its key proves only the digest: not verified', () => {
    const p = publishProvenance(
      input({ signature: { ok: true, algorithm: 'HS256', message: 'verified HS256 signature', signatureChecked: false } }),
    );
    assert.equal(p.state, 'signature-not-verified');
    assert.match(p.message, /give the HMAC key/);
  });

  it('a verdict the signature check qualified (a problem beside ok) is not verified', () => {
    const p = publishProvenance(
      input({
        signature: {
          ok: true,
          algorithm: 'Ed25519',
          message: 'valid signature, signer not pinned',
          problem: 'not-pinned',
          signatureChecked: true,
        },
      }),
    );
    assert.equal(p.state, 'signature-not-verified');
    assert.match(p.message, /signer not pinned/);
  });

  it('the latest publish of the same bytes decides', () => {
    const p = publishProvenance(
      input({
        evidence: [publish(1, 'apr_1'), publish(2, 'apr_2')],
        approval: (id) => (id === 'apr_1' ? approved('apr_1', 'approved') : approved('apr_2', 'break_glass')),
      }),
    );
    assert.deepEqual([p.state, p.approval_id, p.publish_seq], ['break-glass-publish', 'apr_2', 2]);
  });

  it('an approval for another pack is bound elsewhere, even with the same digest', () => {
    const p = publishProvenance(input({ approval: () => approved('apr_1', 'approved', 'other') }));
    assert.equal(p.state, 'approval-bound-to-another-digest');
    assert.match(p.message, /is for pack "other", not p/);
  });

  it('without a trusted signature it reads neither the text nor its digest (the editor hashes a keystroke only when a chain can follow)', () => {
    const reads: string[] = [];
    const lazy = (signature: ProvenanceInput['signature']): ProvenanceInput => ({
      ...input({ signature }),
      get text() {
        reads.push('text');
        return TEXT;
      },
      get fileDigest() {
        reads.push('fileDigest');
        return FILE;
      },
    });
    assert.equal(publishProvenance(lazy(null)).state, 'signature-not-verified');
    const mismatch = {
      ok: false,
      algorithm: 'Ed25519',
      message: 'digest mismatch',
      problem: 'digest-mismatch',
      signatureChecked: false,
    };
    assert.equal(publishProvenance(lazy(mismatch)).state, 'signature-not-verified');
    assert.deepEqual(reads, []);
    // A trusted signature follows the chain, which needs both.
    assert.equal(publishProvenance(lazy(input().signature)).state, 'verified');
    assert.deepEqual([...new Set(reads)].sort(), ['fileDigest', 'text']);
  });
});
