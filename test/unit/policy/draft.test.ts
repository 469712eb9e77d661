import { strict as assert } from 'node:assert';
import { buildPolicyPack, defaultVersion, DraftError } from '../../../server/src/policy/draft';
import { policyDigest, shortDigest } from '../../../server/src/policy/digest';
import { parsePolicyYaml } from '../../../server/src/policy/policyYaml';
import type { PyValue } from '../../../server/src/policy/pythonValues';
import { recordedDraft, SPEC_DRAFT_BODY, SPEC_DRAFT_DIGEST } from './recordedDraft';

const yaml = (text: string) => parsePolicyYaml(text).value as PyValue;

describe('draft normalization (SPEC 3.2)', () => {
  it('builds the policy_pack CAVRA recorded for the SPEC example, key order included', () => {
    const pack = buildPolicyPack(SPEC_DRAFT_BODY);
    assert.equal(JSON.stringify(pack), JSON.stringify(recordedDraft.policy_pack));
  });

  it('gives the SPEC 3.3 digest', () => {
    assert.equal(policyDigest(buildPolicyPack(SPEC_DRAFT_BODY)), SPEC_DRAFT_DIGEST);
    assert.equal(shortDigest(SPEC_DRAFT_DIGEST), 'ffd4dd7d79d8');
  });

  it('gives the same digest for the same policy written as policy.yaml, even with an unquoted 2026.05', () => {
    const text =
      'metadata:\n  id: cavra-platform-baseline\n  title: Platform Baseline\n  description: Platform engineering controls.\n  version: 2026.05\ncommands:\n  block: ["terraform apply -auto-approve"]\n';
    assert.equal(policyDigest(buildPolicyPack(yaml(text))), SPEC_DRAFT_DIGEST);
  });

  it('a version YAML 1.1 reads as 1.1 is published as "1.1"', () => {
    const pack = buildPolicyPack(yaml('metadata: {id: cavra-a, title: T, description: D, version: 1.10}\n'));
    assert.equal(pack.metadata.version, '1.1');
  });

  it('prefers metadata fields over top-level ones and keeps only id, title, description, version, inherits, mode', () => {
    const pack = buildPolicyPack({
      id: 'cavra-top',
      title: 'Top',
      metadata: { id: 'cavra-meta', description: 'D', version: '1', owner: 'x', mode: 'audit_only' },
    });
    assert.deepEqual(pack.metadata, { id: 'cavra-meta', title: 'Top', description: 'D', version: '1', mode: 'audit_only' });
  });

  it('falls back to the top-level field when the metadata one is falsy (CAVRA: metadata.get(name) or payload.get(name))', () => {
    const pack = buildPolicyPack({
      title: 'Top title',
      version: '2',
      metadata: { id: 'cavra-a', title: '', description: 'D', version: null },
    });
    assert.deepEqual(pack.metadata, { id: 'cavra-a', title: 'Top title', description: 'D', version: '2' });
  });

  it('drops falsy inherits and mode, keeps truthy ones as given', () => {
    assert.deepEqual(
      buildPolicyPack({ id: 'cavra-a', title: 'T', description: 'D', version: '1', inherits: [], mode: '' }).metadata,
      { id: 'cavra-a', title: 'T', description: 'D', version: '1' },
    );
    assert.deepEqual(
      buildPolicyPack({ id: 'cavra-a', title: 'T', description: 'D', version: '1', inherits: ['cavra-b'] }).metadata.inherits,
      ['cavra-b'],
    );
  });

  it('copies mapping sections as given (lists unsorted) and drops non-mappings and other keys', () => {
    const pack = buildPolicyPack({
      id: 'cavra-a',
      title: 'T',
      description: 'D',
      version: '1',
      filesystem: { block_read: ['z', 'a'] },
      git: 'yes',
      notes: { a: 1 },
    });
    assert.deepEqual(pack, {
      metadata: { id: 'cavra-a', title: 'T', description: 'D', version: '1' },
      filesystem: { block_read: ['z', 'a'] },
    });
  });

  it("stamps today's UTC date YYYY.MM.DD when the version is missing", () => {
    const now = new Date(Date.UTC(2026, 0, 9, 23, 30));
    assert.equal(buildPolicyPack({ id: 'cavra-a', title: 'T', description: 'D' }, now).metadata.version, '2026.01.09');
    assert.equal(defaultVersion(new Date(Date.UTC(2026, 11, 31, 0, 0))), '2026.12.31');
  });

  it("refuses a draft without id, title or description with CAVRA's message", () => {
    assert.throws(
      () => buildPolicyPack({ id: 'cavra-a', title: 'T' }),
      (e: Error) => e instanceof DraftError && e.message === 'policy draft requires id, title, and description',
    );
    assert.throws(
      () => buildPolicyPack([] as PyValue),
      (e: Error) => e instanceof DraftError && e.message === 'Policy must be a YAML object',
    );
  });
});
