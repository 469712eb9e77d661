import { strict as assert } from 'node:assert';
import { languageFeatures } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { analyzeAtCaret, FILE, HEAD } from './analyzeText';

const catalogWith = (...ids: string[]) => {
  const c = new PackCatalog();
  c.scan(['/ws/policies']);
  for (const id of ids) c.setOpen(`/ws/policies/${id}/policy.yaml`, id, { metadata: { id, title: `${id} title` } });
  return c;
};

function labels(marked: string, catalog?: PackCatalog): string[] {
  const { a, position } = analyzeAtCaret(marked, catalog);
  return languageFeatures.completion(a, position).items.map((i) => i.label);
}

describe('completion', () => {
  it('offers the keys of the mapping the cursor is in, without those already written', () => {
    assert.deepEqual(labels(`${HEAD}filesystem:\n  block_read: []\n  |\n`), ['block_write', 'require_approval_write']);
    assert.deepEqual(labels(`${HEAD}  |\n`), ['inherits', 'mode']);
  });

  it('works on a half-typed key, whatever follows', () => {
    assert.deepEqual(labels(`${HEAD}commands:\n  al|\ngit:\n  require_pull_request: true\n`), [
      'block',
      'allow',
      'require_approval',
    ]);
    assert.deepEqual(labels(`${HEAD}gi|`), ['filesystem', 'commands', 'git', 'mcp', 'approvals', 'evidence', 'compliance']);
  });

  it('offers enum values after the colon, in quotes, and in a flow mapping', () => {
    const modes = ['audit_only', 'enforce', 'strict_regulated', 'break_glass'];
    assert.deepEqual(labels(`${HEAD}  mode: |\n`), modes);
    assert.deepEqual(labels(`${HEAD}  mode: en|\n`), modes);
    assert.deepEqual(labels(`${HEAD}  mode: "|"\n`), modes);
    assert.deepEqual(labels('metadata: {id: cavra-example, mode: |}\n'), modes);
    assert.deepEqual(labels('mcp: {risk_scoring: {github: |}}\n'), ['low', 'medium', 'high', 'critical']);
  });

  it('offers keys inside a flow mapping', () => {
    assert.deepEqual(labels('filesystem: {block_read: [], |}\n'), ['block_write', 'require_approval_write']);
  });

  it('offers pack ids for inherits in block and flow lists, without itself or packs listed already', () => {
    const catalog = () => catalogWith('cavra-a', 'cavra-b', 'cavra-example');
    assert.deepEqual(labels(`${HEAD}  inherits:\n    - |\n`, catalog()), ['cavra-a', 'cavra-b']);
    assert.deepEqual(labels(`${HEAD}  inherits: [cavra-a, |]\n`, catalog()), ['cavra-b']);
    assert.deepEqual(labels(`${HEAD}  inherits: [cavra-a, cav|]\n`, catalog()), ['cavra-b']);
    assert.deepEqual(labels(`${HEAD}  inherits: |\n`, catalog()), ['cavra-a', 'cavra-b']);
  });

  it('offers pack ids for inherits when `yaml` cannot convert the list (a merge key with a scalar)', () => {
    // Found by the fuzz test (seed 1289480920): `<<: a` inside the list made completion throw.
    const catalog = catalogWith('cavra-a', 'cavra-b', 'cavra-example');
    assert.deepEqual(labels(`${HEAD}  inherits: [{<<: a}, |]\n`, catalog), ['cavra-a', 'cavra-b']);
  });

  it('offers nothing inside a pattern list, where any text goes', () => {
    assert.deepEqual(labels(`${HEAD}filesystem:\n  block_read:\n    - "|"\n`), []);
    assert.deepEqual(labels(`${HEAD}filesystem:\n  block_read: [".env", |]\n`), []);
  });

  it("starts a new pack's metadata snippet with its folder name as id", () => {
    const { a, position } = analyzeAtCaret('|');
    const metadata = languageFeatures.completion(a, position).items.find((i) => i.label === 'metadata');
    assert.match(String(metadata?.insertText), /^metadata:\n {2}id: \$\{1:cavra-example\}\n/);
    assert.ok(FILE.includes('/cavra-example/'));
  });

  it('writes plain `key: ` in a flow mapping, block snippets elsewhere', () => {
    const flow = analyzeAtCaret('filesystem: {|}\n');
    assert.equal(
      languageFeatures.completion(flow.a, flow.position).items.find((i) => i.label === 'block_read')?.insertText,
      'block_read: $1',
    );
    const block = analyzeAtCaret('filesystem:\n  |\n');
    assert.equal(
      languageFeatures.completion(block.a, block.position).items.find((i) => i.label === 'block_read')?.insertText,
      'block_read:\n  - "$1"',
    );
  });
});
