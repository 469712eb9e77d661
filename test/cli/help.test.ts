// Every help text, pinned: test/cli/help/<command>.txt holds what `cavra-policy <command> --help`
// prints, byte for byte, so a change to any help is visible in review. To accept a change on purpose:
// CAVRA_UPDATE_HELP=1 npx mocha out/test/cli/help.test.js, then review the diff of test/cli/help/.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cliAsync } from './cliProcess';

const HELP_DIR = join(repoRoot, 'test', 'cli', 'help');

/** Every command and family; the top-level help is `cavra-policy.txt`. */
export const COMMANDS = [
  'validate',
  'summary',
  'digest',
  'catalog',
  'draft',
  'plan',
  'request',
  'publish',
  'approval list',
  'approval get',
  'approval create',
  'approval approve',
  'approval deny',
  'approval expire',
  'approval expire-overdue',
  'approval break-glass',
  'approval attach-decision',
  'keygen',
  'sign',
  'verify',
  'keys fingerprint',
  'keys pin',
  'keys revoke',
  'keys list',
  'rollout plan',
  'rollout apply',
  'rollout request-approval',
  'rollout list',
  'rollout get',
  'evaluate',
  'test',
  'evidence verify',
  'bundle export',
  'bundle verify',
  'attest',
  'attest verify',
  'check',
  'impact',
];
const FAMILIES = ['approval', 'rollout', 'evidence', 'bundle', 'keys'];

const fileFor = (words: string) => join(HELP_DIR, `${words ? words.replace(/ /g, '-') : 'cavra-policy'}.txt`);

describe('cavra-policy help texts (snapshots in test/cli/help/)', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = tempWorkspace({});
  });
  after(() => ws.remove());

  it('the top-level help lists exactly the commands pinned here', async () => {
    const r = await cliAsync(ws.root, ['--help']);
    const listed = r.stdout
      .split('\n\n')
      .find((block) => block.startsWith('Commands:'))!
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s{2,}/)[0]);
    assert.deepEqual(listed, COMMANDS);
  });

  it('there is one snapshot per command and family, and no stale one', () => {
    const expected = new Set(['', ...COMMANDS, ...FAMILIES].map((c) => fileFor(c)));
    const present = readdirSync(HELP_DIR).map((f) => join(HELP_DIR, f));
    assert.deepEqual(
      present.filter((f) => !expected.has(f)),
      [],
      'stale snapshots',
    );
    if (!process.env.CAVRA_UPDATE_HELP)
      assert.deepEqual(
        [...expected].filter((f) => !existsSync(f)),
        [],
        'missing snapshots',
      );
  });

  for (const words of ['', ...FAMILIES, ...COMMANDS]) {
    it(`cavra-policy ${words ? `${words} ` : ''}--help is exactly test/cli/help/${fileFor(words).split(/[\\/]/).pop()}`, async () => {
      const r = await cliAsync(ws.root, [...(words ? words.split(' ') : []), '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      if (process.env.CAVRA_UPDATE_HELP) writeFileSync(fileFor(words), r.stdout);
      assert.equal(r.stdout, readFileSync(fileFor(words), 'utf8'));
    });
  }

  it('no help text points at a source file; formats are documented in the help itself', async () => {
    for (const file of readdirSync(HELP_DIR)) {
      assert.doesNotMatch(readFileSync(join(HELP_DIR, file), 'utf8'), /\.(ts|js)\b|backend\/|server\/src/, file);
    }
    const test = readFileSync(fileFor('test'), 'utf8');
    assert.match(test, /policies\/<pack-id>\/policy\.tests\.yaml/);
    assert.match(test, /expect:/);
  });

  it("every command's help lists the common options it uses, and names the others as accepted but ignored", () => {
    for (const command of COMMANDS) {
      const text = readFileSync(fileFor(command), 'utf8');
      assert.match(text, /\nCommon options:\n {2}--json /, command);
      const ignored = /Accepted but not used by .* \(ignored with a warning\):\n((?: {2}.*\n)+)/.exec(text)?.[1] ?? '';
      const used = text.split('Common options:\n')[1].split('\n\n')[0];
      for (const flag of [
        '--json',
        '--root',
        '--policy-dir',
        '--store',
        '--inventory',
        '--oidc-config',
        '--rbac-file',
        '--backend',
        '--url',
        '--token-env',
        '--timeout-ms',
      ]) {
        const inUsed = new RegExp(`^ {2}${flag} `, 'm').test(used);
        const inIgnored = new RegExp(`(^|, | )${flag}(,|$)`, 'm').test(ignored);
        assert.ok(inUsed !== inIgnored, `${command}: ${flag} must be either used or listed as ignored`);
      }
    }
  });
});
