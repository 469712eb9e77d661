// Settings and the policy root as the server reads them: the size limit, a custom policy root,
// CAVRA_POLICY_DIR, and open documents seen as typed by the packs that inherit them.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { caret } from './caret';
import { LspClient } from './lspClient';
import { tempWorkspace } from './tempWorkspace';

const pack = (id: string, extra = '') =>
  `metadata:\n  id: ${id}\n  title: ${id} title\n  description: The ${id} pack.\n  version: "1.0.0"\n${extra}`;
const hoverText = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';

describe('settings and the policy root', () => {
  it('does not analyse a file above cavra.maxFileSizeMb, and says so', async () => {
    const ws = tempWorkspace();
    const client = await LspClient.start({ workspace: ws.root, settings: { maxFileSizeMb: 0.001 } });
    try {
      const uri = client.uriOf('policies/cavra-big/policy.yaml');
      const text = pack('cavra-big', `commands:\n  block:\n${'    - "rm -rf*"\n'.repeat(100)}`);
      await client.open(uri, text);
      const diagnostics = await client.diagnostics(uri, 1);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity, d.range.start.line]),
        [['file-too-large', 2, 0]],
      );
      assert.match(String(diagnostics[0].message), /above the 0\.0 MB limit \(setting cavra\.maxFileSizeMb\)/);
      assert.deepEqual(await client.codeLenses(uri), []);
      assert.deepEqual(await client.documentSymbols(uri), []);
    } finally {
      await client.stop();
      ws.remove();
    }
  });

  it('resolves inherits and offers pack ids from a custom cavra.policyRoot', async () => {
    const ws = tempWorkspace({
      'governance/packs/cavra-base/policy.yaml': pack('cavra-base'),
      'policies/cavra-decoy/policy.yaml': pack('cavra-decoy'),
    });
    const client = await LspClient.start({ workspace: ws.root, settings: { policyRoot: 'governance/packs' } });
    try {
      const uri = client.uriOf('governance/packs/cavra-app/policy.yaml');
      const { text, position } = caret(
        pack('cavra-app', '').replace('  version: "1.0.0"\n', '  version: "1.0.0"\n  inherits: [cavra-base, |]\n'),
      );
      await client.open(uri, text);
      await client.diagnostics(uri, 1);
      const version = await client.change(uri, text.replace(', ]', ']'));
      assert.deepEqual(await client.diagnostics(uri, version), [], 'cavra-base resolves under the custom root');
      await client.change(uri, text);
      const items = await client.completion(uri, position);
      assert.deepEqual(
        (items as { items: { label: string }[] }).items.map((i) => i.label),
        [],
        'only cavra-base exists there, and it is listed already',
      );
    } finally {
      await client.stop();
      ws.remove();
    }
  });

  it('looks in an absolute CAVRA_POLICY_DIR', async () => {
    const shared = tempWorkspace({ 'cavra-shared/policy.yaml': pack('cavra-shared') });
    const ws = tempWorkspace();
    const client = await LspClient.start({ workspace: ws.root, env: { CAVRA_POLICY_DIR: shared.root } });
    try {
      const uri = client.uriOf('policies/cavra-app/policy.yaml');
      await client.open(uri, pack('cavra-app').replace('  version: "1.0.0"\n', '  version: "1.0.0"\n  inherits: cavra-shared\n'));
      assert.deepEqual(await client.diagnostics(uri, 1), []);
    } finally {
      await client.stop();
      ws.remove();
      shared.remove();
    }
  });

  it('takes a relative CAVRA_POLICY_DIR from the workspace, and a custom cavra.policyRoot over it', async () => {
    const ws = tempWorkspace({
      'governance/cavra-base/policy.yaml': pack('cavra-base'),
      'custom/cavra-other/policy.yaml': pack('cavra-other'),
    });
    const child = pack('cavra-app').replace(
      '  version: "1.0.0"\n',
      '  version: "1.0.0"\n  inherits: [cavra-base, cavra-missing]\n',
    );
    const unknownParents = async (client: LspClient, root: string) => {
      const uri = client.uriOf(`${root}/cavra-app/policy.yaml`);
      await client.open(uri, child);
      return (await client.diagnostics(uri, 1))
        .filter((d) => d.code === 'unknown-inherits')
        .map((d) => String(d.message).split(';')[0]);
    };
    const fromEnv = await LspClient.start({ workspace: ws.root, env: { CAVRA_POLICY_DIR: 'governance' } });
    try {
      assert.deepEqual(await unknownParents(fromEnv, 'governance'), [
        `No pack \`cavra-missing\` under the policy root (${join(ws.root, 'governance')})`,
      ]);
    } finally {
      await fromEnv.stop();
    }
    const fromSetting = await LspClient.start({
      workspace: ws.root,
      env: { CAVRA_POLICY_DIR: 'governance' },
      settings: { policyRoot: 'custom' },
    });
    try {
      assert.deepEqual(await unknownParents(fromSetting, 'custom'), [
        `No pack \`cavra-base\` under the policy root (${join(ws.root, 'custom')})`,
        `No pack \`cavra-missing\` under the policy root (${join(ws.root, 'custom')})`,
      ]);
    } finally {
      await fromSetting.stop();
      ws.remove();
    }
  });

  it('sees a parent pack as it is typed, before it is saved', async () => {
    const ws = tempWorkspace({ 'policies/cavra-base/policy.yaml': pack('cavra-base') });
    const client = await LspClient.start({ workspace: ws.root });
    try {
      const base = client.uriOf('policies/cavra-base/policy.yaml');
      await client.open(base, pack('cavra-base').replace('cavra-base title', 'Renamed while typing'));
      await client.diagnostics(base, 1);
      const child = client.uriOf('policies/cavra-app/policy.yaml');
      const { text, position } = caret(
        pack('cavra-app').replace('  version: "1.0.0"\n', '  version: "1.0.0"\n  inherits: cavra-b|ase\n'),
      );
      await client.open(child, text);
      await client.diagnostics(child, 1);
      assert.match(hoverText(await client.hover(child, position)), /\*\*Renamed while typing\*\*/);
    } finally {
      await client.stop();
      ws.remove();
    }
  });

  it('finds a cycle through a parent that was edited into one', async () => {
    const ws = tempWorkspace({ 'policies/cavra-base/policy.yaml': pack('cavra-base') });
    const client = await LspClient.start({ workspace: ws.root });
    try {
      const base = client.uriOf('policies/cavra-base/policy.yaml');
      await client.open(base, pack('cavra-base').replace('  version: "1.0.0"\n', '  version: "1.0.0"\n  inherits: cavra-app\n'));
      await client.diagnostics(base, 1);
      const child = client.uriOf('policies/cavra-app/policy.yaml');
      await client.open(child, pack('cavra-app').replace('  version: "1.0.0"\n', '  version: "1.0.0"\n  inherits: cavra-base\n'));
      const d = await client.diagnostics(child, 1);
      assert.deepEqual(
        d.map((x) => [x.code, x.message]),
        [['inheritance-cycle', 'Inheritance cycle: cavra-app → cavra-base → cavra-app.']],
      );
    } finally {
      await client.stop();
      ws.remove();
    }
  });
});
