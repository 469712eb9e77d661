// The one policy-root rule shared by the language server, the workflows, the CLI and the VS Code client.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { DEFAULT_POLICY_ROOT, resolvePolicyRoot } from '../../../server/src/policy/policyRoot';

describe('resolvePolicyRoot', () => {
  const workspace = resolve('/ws/project');
  const shared = resolve('/srv/cavra/policies');

  it('is `policies` in the workspace when nothing else is said', () => {
    assert.equal(DEFAULT_POLICY_ROOT, 'policies');
    assert.equal(resolvePolicyRoot({ workspace, env: {} }), join(workspace, 'policies'));
    assert.equal(
      resolvePolicyRoot({ workspace, setting: 'policies', env: { CAVRA_POLICY_DIR: '' } }),
      join(workspace, 'policies'),
    );
  });

  it('takes $CAVRA_POLICY_DIR when the setting is at its default: absolute as is, relative from the workspace', () => {
    assert.equal(resolvePolicyRoot({ workspace, setting: 'policies', env: { CAVRA_POLICY_DIR: shared } }), shared);
    assert.equal(
      resolvePolicyRoot({ workspace, env: { CAVRA_POLICY_DIR: 'governance/packs' } }),
      join(workspace, 'governance', 'packs'),
    );
  });

  it('a setting changed from its default wins over $CAVRA_POLICY_DIR', () => {
    assert.equal(
      resolvePolicyRoot({ workspace, setting: 'governance', env: { CAVRA_POLICY_DIR: shared } }),
      join(workspace, 'governance'),
    );
    assert.equal(resolvePolicyRoot({ workspace, setting: shared, env: {} }), shared);
  });

  it('a command-line flag wins over everything; flag and $CAVRA_POLICY_DIR are read from the current folder', () => {
    const cwd = resolve('/home/ana');
    assert.equal(
      resolvePolicyRoot({ workspace, flag: 'mine', setting: 'governance', env: { CAVRA_POLICY_DIR: shared }, cwd }),
      join(cwd, 'mine'),
    );
    assert.equal(resolvePolicyRoot({ workspace, env: { CAVRA_POLICY_DIR: 'drafts' }, cwd }), join(cwd, 'drafts'));
    assert.equal(
      resolvePolicyRoot({ workspace, env: {}, cwd }),
      join(workspace, 'policies'),
      'the default stays in the workspace',
    );
  });
});
