// Every fixture pack reports exactly the codes its `# expect:` line names, through the CLI process;
// CAVRA's own shipped packs report no error or warning; every code the server emits has a pack.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES } from '../../server/src/language/diagnosticCodes';
import { fixture, FIXTURE_POLICIES, runCli } from './runCli';

/** Codes no fixture pack can show: they need a setting, or no language file emits them. */
// The key findings come from signatures, pins and key files, not a pack's text (workflows/keyTrust.test.ts).
const NOT_FROM_A_PACK = new Set([
  'file-too-large',
  'schema',
  'signature-mismatch',
  'publish-provenance',
  'signature-not-pinned',
  'private-key-in-workspace',
  // needs a decision log (lsp/ruleActivity.test.ts)
  'unused-rule',
]);
const CAVRA_SHIPPED = ['cavra-agentic-delivery', 'cavra-ai-agent-baseline', 'cavra-github-enterprise', 'cavra-mcp-enterprise'];

interface Row {
  line: number;
  code: string;
  severity: string;
  message: string;
}

const packs = readdirSync(FIXTURE_POLICIES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const expectLine = (pack: string) =>
  /^# expect:(.*)$/m.exec(readFileSync(join(FIXTURE_POLICIES, pack, 'policy.yaml'), 'utf8'))?.[1];

function validate(pack: string): Row[] {
  const r = runCli(['validate', '--json', fixture(pack), '--policy-dir', FIXTURE_POLICIES]);
  assert.notEqual(r.status, 2, r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

describe('fixture packs through the CLI', () => {
  const seen = new Set<string>();

  for (const pack of packs.filter((p) => expectLine(p) !== undefined)) {
    it(`${pack} reports exactly: ${expectLine(pack)!.trim() || 'nothing'}`, () => {
      const expected = expectLine(pack)!.trim().split(/\s+/).filter(Boolean).sort();
      const codes = [...new Set(validate(pack).map((d) => d.code))].sort();
      codes.forEach((c) => seen.add(c));
      assert.deepEqual(codes, expected);
    });
  }

  // Once merged with its parents, cavra-agentic-delivery's `require_approval_write: .github/workflows/**`
  // never fires: its parent cavra-ai-agent-baseline blocks that write, and `cavra-policy evaluate write_file
  // .github/workflows/ci.yml --policy-pack cavra-agentic-delivery` answers block (filesystem.write.block).
  const SHIPPED_WARNINGS: Record<string, string[]> = { 'cavra-agentic-delivery': ['18 inherited-unreachable-rule'] };
  for (const pack of CAVRA_SHIPPED) {
    it(`CAVRA's shipped ${pack} has no error, and no warning but those its merged parents prove`, () => {
      const loud = validate(pack).filter((d) => d.severity === 'error' || d.severity === 'warning');
      assert.deepEqual(
        loud.map((d) => `${d.line} ${d.code}`),
        SHIPPED_WARNINGS[pack] ?? [],
      );
    });
  }

  it('every diagnostic code the server emits has a fixture pack', () => {
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((c) => !NOT_FROM_A_PACK.has(c) && !seen.has(c));
    assert.deepEqual(missing, [], 'add a cavra-bad-<code> pack for each');
  });
});
