// Run once when the server starts: the schema's validators are loaded (generated at build time) and
// every pass (block reader, schema, cover index, lint, an incremental edit, hover, completion) runs on
// a small generated pack, so the first real policy opened meets compiled code instead of paying for
// compilation on top of its own analysis. Takes a few tens of milliseconds, before any document is open.
import { analyze, languageFeatures } from './languageService';
import { PackCatalog } from './packCatalog';
import { validatePolicy } from './policySchema';

const TEAMS = ['pay', 'ledger', 'auth', 'web', 'ops', 'ml'];

function samplePack(rules: number): string {
  const lines = [
    '# warm-up',
    'metadata:',
    '  id: cavra-warm-up',
    '  title: Warm-up',
    '  description: d',
    '  version: "1.0.0"',
    '  mode: enforce',
    'filesystem:',
  ];
  const list = (key: string, entry: (i: number, t: string) => string) => {
    lines.push(`  ${key}:`);
    for (let i = 0; i < rules; i++) lines.push(`    - ${entry(i, TEAMS[i % TEAMS.length])}`);
  };
  list('block_read', (i, t) => `"src/${t}${i}/**/*.pem"`);
  list('block_write', (i, t) => `"src/${t}${i}/prod/**"`);
  list('require_approval_write', (i, t) => `"src/${t}${i}/*.tf"`);
  lines.push('commands:');
  list('block', (i, t) => `"terraform apply *${t}${i}*"`);
  list('allow', (i, t) => (i % 2 ? `"make lint-${t}-${i}"` : `"npm test -w ${t}-${i}*"`));
  list('require_approval', (i, t) => `"git tag ${t}-${i}*"`);
  lines.push('git:', '  require_pull_request: yes', 'mcp:', '  block_unknown_servers: true');
  list('allowed_servers', (i, t) => `github-${t}-${i}`);
  return `${lines.join('\n')}\n`;
}

export function warmUpLanguageService(): void {
  try {
    warmUp();
  } catch {
    // Only an optimisation: a failure here must not stop the server (the real document gets its own answer).
  }
}

function warmUp(): void {
  validatePolicy({});
  const catalog = new PackCatalog();
  const context = { file: undefined, catalog };
  const text = samplePack(400);
  const uri = 'cavra-warm-up:policy.yaml';
  let a = analyze(uri, 1, text, context);
  const entry = text.indexOf('    - "src/', text.indexOf('block_read:'));
  for (let i = 0; i < 3; i++) {
    const edited = `${text.slice(0, entry + 7)}${'x'.repeat(i + 1)}${text.slice(entry + 7)}`;
    a = analyze(uri, i + 2, edited, context, undefined, a);
  }
  const position = a.doc.positionAt(entry + 9);
  languageFeatures.hover(a, position);
  languageFeatures.completion(a, position);
  languageFeatures.symbols(a);
}
