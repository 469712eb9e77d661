// yaml.safe_dump as CAVRA's publish writes a JSON draft. Expected texts are PyYAML 6.0.3's output for
// the same values (and the recorded file CAVRA published).
import assert from 'node:assert/strict';
import { pyyamlSafeDump } from '../../../server/src/backend/local';
import { PyFloat } from '../../../server/src/policy/pythonValues';
import { RECORDED_DRAFT, recordedText } from './backendFixtures';
import { buildPolicyPack } from '../../../server/src/policy/draft';

describe('pyyamlSafeDump: PyYAML safe_dump, byte for byte', () => {
  it('writes the recorded published policy.yaml for the recorded draft', () => {
    assert.equal(pyyamlSafeDump(buildPolicyPack(RECORDED_DRAFT)), recordedText('published-policy.yaml'));
  });

  it('sorts keys, quotes what would read as another type, escapes non-ASCII, folds at 80 columns', () => {
    const value = {
      metadata: {
        id: 'cavra-x',
        title: 'Überwachung — Richtlinie',
        description:
          'Controls for transparent GitHub bots and AI engineering agents building CAVRA without misleading human identities.',
        version: '2026.05',
        inherits: ['cavra-a', 'cavra-b'],
        mode: 'enforce',
      },
      filesystem: { block_read: ['.env', '**/secrets.*', '*.pem'], require_approval_write: ['iam/**'] },
      commands: { block: ['terraform apply*', '- rm -rf /', 'git push: main', 'yes', '#comment', ' lead'], allow: [] },
      git: { require_pull_request: true, note: null },
      mcp: { risk_scoring: { github: 'medium' }, allowed_servers: ['on', 'off', '010', '1e5', '2026-05-01'] },
      evidence: {
        required_fields: ["a'b", 'say "hi"', 'multi\nline', 'tab\there'],
        weights: [1, new PyFloat(2.5), new PyFloat(1e16), new PyFloat(-0)],
      },
      approvals: {},
    };
    const expected =
      "approvals: {}\ncommands:\n  allow: []\n  block:\n  - terraform apply*\n  - '- rm -rf /'\n  - 'git push: main'\n  - 'yes'\n  - '#comment'\n  - ' lead'\nevidence:\n  required_fields:\n  - a'b\n  - say \"hi\"\n  - 'multi\n\n    line'\n  - \"tab\\there\"\n  weights:\n  - 1\n  - 2.5\n  - 1.0e+16\n  - -0.0\nfilesystem:\n  block_read:\n  - .env\n  - '**/secrets.*'\n  - '*.pem'\n  require_approval_write:\n  - iam/**\ngit:\n  note: null\n  require_pull_request: true\nmcp:\n  allowed_servers:\n  - 'on'\n  - 'off'\n  - '010'\n  - 1e5\n  - '2026-05-01'\n  risk_scoring:\n    github: medium\nmetadata:\n  description: Controls for transparent GitHub bots and AI engineering agents building\n    CAVRA without misleading human identities.\n  id: cavra-x\n  inherits:\n  - cavra-a\n  - cavra-b\n  mode: enforce\n  title: \"\\xDCberwachung \\u2014 Richtlinie\"\n  version: '2026.05'\n";
    assert.equal(pyyamlSafeDump(value), expected);
  });

  it('writes an empty mapping as {} and nested lists and mappings in block style', () => {
    assert.equal(pyyamlSafeDump({}), '{}\n');
    assert.equal(pyyamlSafeDump({ a: [[1, 2], { b: 'c', d: [] }] }), 'a:\n- - 1\n  - 2\n- b: c\n  d: []\n');
  });
});
