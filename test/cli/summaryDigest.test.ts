import { strict as assert } from 'node:assert';
import { recordedDraft, SPEC_DRAFT_DIGEST } from '../unit/policy/recordedDraft';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { fixture, runCli } from './runCli';

const SPEC_POLICY = `metadata:
  id: cavra-platform-baseline
  title: Platform Baseline
  description: Platform engineering controls.
  version: "2026.05"
commands:
  block: ["terraform apply -auto-approve"]
`;

describe('cavra-policy summary and digest', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = tempWorkspace({
      'spec.yaml': SPEC_POLICY,
      'no-title.yaml': 'metadata:\n  id: cavra-a\n  description: D\n',
      'broken.yaml': 'metadata: [unclosed\n',
      'tagged.yaml': 'metadata: !custom {id: cavra-a}\n',
      'dup.yaml': SPEC_POLICY.replace('  title: Platform Baseline\n', '  title: First\n  title: Platform Baseline\n'),
    });
  });
  after(() => ws.remove());

  it('summary --json prints the summary CAVRA recorded for the SPEC 3.2 draft, key order included', () => {
    const r = runCli(['summary', '--json', 'spec.yaml'], { cwd: ws.root });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.stringify(JSON.parse(r.stdout)), JSON.stringify(recordedDraft.summary));
  });

  it('summary counts rules from the raw YAML of a pack using every section', () => {
    const r = runCli(['summary', '--json', fixture('cavra-studio-complete')]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      policy_id: 'cavra-studio-complete',
      title: 'Studio complete pack',
      version: '2026.05',
      inherits: ['cavra-ai-agent-baseline', 'cavra-studio-minimal'],
      mode: 'enforce',
      rule_counts: { filesystem: 4, commands: 5, git: 3, mcp: 7, approvals: 2, evidence: 4, compliance: 2 },
    });
  });

  it('digest prints the SPEC 3.3 digest and nothing else', () => {
    const r = runCli(['digest', 'spec.yaml'], { cwd: ws.root });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${SPEC_DRAFT_DIGEST}\n`);
  });

  it('digest --json names the file', () => {
    const r = runCli(['digest', '--json', 'spec.yaml'], { cwd: ws.root });
    assert.deepEqual(JSON.parse(r.stdout), { file: 'spec.yaml', policy_digest: SPEC_DRAFT_DIGEST });
  });

  it('digest reads duplicate keys as PyYAML does: the last value wins', () => {
    const r = runCli(['digest', 'dup.yaml'], { cwd: ws.root });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${SPEC_DRAFT_DIGEST}\n`);
  });

  it("digest of a draft without a title fails with CAVRA's message and exit 1", () => {
    const r = runCli(['digest', 'no-title.yaml'], { cwd: ws.root });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /policy draft requires id, title, and description/);
  });

  it('digest of YAML CAVRA cannot load fails with exit 1 and names the file', () => {
    for (const file of ['broken.yaml', 'tagged.yaml']) {
      const r = runCli(['digest', file], { cwd: ws.root });
      assert.equal(r.status, 1, file);
      assert.match(r.stderr, new RegExp(file.replace('.', '\\.')));
      assert.equal(r.stdout, '');
    }
  });
});
