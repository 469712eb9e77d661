// `cavra/ruleLocation` over a real stdio connection: "Go to Rule" after "What would CAVRA decide?" asks
// the server where the deciding pattern is written, in the pack or the ancestor CAVRA's merge takes it
// from (a diamond too), with open, unsaved text winning over disk.
// Fixture: test/fixtures/inheritance-root (written for these tests: two levels, three, a diamond).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuleLocationRequest, type RuleLocation, type RuleLocationParams } from '../../server/src/protocol';
import { LspClient } from './lspClient';
import { repoRoot } from './repoRoot';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'inheritance-root');

describe('where the deciding rule is written (cavra/ruleLocation over stdio)', () => {
  let ws: TempWorkspace;
  let client: LspClient;
  beforeEach(async () => {
    ws = tempWorkspace({}, FIXTURE);
    client = await LspClient.start({ workspace: ws.root });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  const locate = (packId: string, list: string, pattern: string) =>
    client.connection.sendRequest(RuleLocationRequest, {
      uri: client.uriOf(`policies/${packId}/policy.yaml`),
      packId,
      list,
      pattern,
    } satisfies RuleLocationParams) as Promise<RuleLocation | null>;
  /** The 0-based line of `text` in a pack's file on disk. */
  const lineOf = (packId: string, text: string) =>
    readFileSync(join(ws.root, 'policies', packId, 'policy.yaml'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text));

  it("a pattern the parent writes: the parent's file, at the entry", async () => {
    const at = await locate('cavra-app', 'commands.block', 'rm -rf /');
    assert.ok(at, 'found');
    assert.equal(at.pack, 'cavra-base');
    assert.equal(at.uri, client.uriOf('policies/cavra-base/policy.yaml'));
    assert.equal(at.range.start.line, lineOf('cavra-base', '"rm -rf /"'));
    assert.equal(at.range.start.character, 6, 'the entry itself, after "- "');
  });

  it("the pack's own pattern: its own file; a diamond's side: that side's file", async () => {
    const own = await locate('cavra-app', 'commands.allow', 'npm test');
    assert.deepEqual([own?.pack, own?.range.start.line], ['cavra-app', lineOf('cavra-app', '"npm test"')]);
    const side = await locate('cavra-bottom', 'commands.block', 'git push --force');
    assert.deepEqual([side?.pack, side?.uri], ['cavra-left', client.uriOf('policies/cavra-left/policy.yaml')]);
  });

  it('open, unsaved text wins over disk; a pattern nobody writes is null', async () => {
    const uri = client.uriOf('policies/cavra-base/policy.yaml');
    const text = readFileSync(join(ws.root, 'policies/cavra-base/policy.yaml'), 'utf8');
    await client.open(uri, text.replace('    - "rm -rf /"', '    - "curl | sh"\n    - "rm -rf /"'));
    await client.diagnostics(uri);
    const moved = await locate('cavra-app', 'commands.block', 'rm -rf /');
    assert.equal(moved?.range.start.line, lineOf('cavra-base', '"rm -rf /"') + 1, 'the line in the open text');
    assert.equal((await locate('cavra-app', 'commands.block', 'curl | sh'))?.pack, 'cavra-base');
    assert.equal(await locate('cavra-app', 'commands.block', 'never written'), null);
    assert.equal(await locate('cavra-nope', 'commands.block', 'rm -rf /'), null);
  });
});
