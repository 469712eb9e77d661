// `cavra-policy validate` lints a pack merged with its `inherits` chain (SPEC 2.1), as CAVRA evaluates it,
// with the same messages the editor shows. Fixtures: test/fixtures/inherited/ (see its README).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';
import { runCli } from './runCli';

const root = (fixture: string) => join(repoRoot, 'test', 'fixtures', 'inherited', fixture, 'policies');
const pack = (fixture: string, id: string) => `test/fixtures/inherited/${fixture}/policies/${id}/policy.yaml`;
const validate = (fixture: string, id: string, ...flags: string[]) =>
  runCli(['validate', ...flags, pack(fixture, id), '--policy-dir', root(fixture)]);

describe('cavra-policy validate on the merged pack', () => {
  it('two levels: the child allows a command its parent blocks; the finding names the parent and its rule, and exits 0 as warnings do', () => {
    const r = validate('two-levels', 'cavra-child');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'test/fixtures/inherited/two-levels/policies/cavra-child/policy.yaml:10:7: warning inherited-unreachable-rule: Never fires: "git push*" in `commands.block` of `cavra-base` (line 8), inherited, already matches every target of "git push origin main". CAVRA checks `commands.block` first, so this command is blocked, never allowed.',
        'OK: 1 file checked, no errors, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it("two levels: CAVRA's own evaluation of the child agrees (the allowed command is blocked by commands.block)", () => {
    const r = runCli(['evaluate', '--json', 'execute_command', 'git push origin main', '--policy-pack', 'cavra-child'], {
      env: { CAVRA_POLICY_DIR: root('two-levels') },
    });
    assert.equal(r.status, 0, r.stderr);
    const decision = JSON.parse(r.stdout) as { decision: string; rule_id: string };
    assert.deepEqual([decision.decision, decision.rule_id], ['block', 'commands.block']);
  });

  it('the parent alone has no finding: only a pack that inherits is linted on the merge', () => {
    const r = validate('two-levels', 'cavra-base');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'OK: 1 file checked, no errors\n');
  });

  it('three levels: findings name the grandparent or the parent that lists the covering rule', () => {
    const r = validate('three-levels', 'cavra-service', '--json');
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { line: number; column: number; severity: string; code: string; message: string }[];
    assert.deepEqual(
      rows
        .filter((d) => d.code.startsWith('inherited-'))
        .map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`),
      [
        "7:9 info inherited-mode: `mode: audit_only` differs from `enforce` in `cavra-root` (line 6). CAVRA's merge keeps this pack's value (metadata is overwritten, the child last); CAVRA's runtime does not read `metadata.mode`.",
        '10:7 warning inherited-unreachable-rule: Never fires: "secrets/**" in `filesystem.block_write` of `cavra-root` (line 9), inherited, already matches every target of "secrets/prod.env". CAVRA checks `filesystem.block_write` first, so this write is blocked and never reaches approval.',
        '14:7 hint inherited-redundant-rule: Redundant: "rm -rf*" in `commands.block` of `cavra-root` (line 12), inherited, already matches every target of "rm -rf /tmp*".',
        '16:7 hint inherited-duplicate: Already inherited: `cavra-team` lists "npm test" in `commands.allow` (line 9); CAVRA\'s merge drops this repeat, so it changes nothing.',
        '20:7 warning inherited-unreachable-rule: Never fires: "shady-mcp" is in `mcp.blocked_servers` of `cavra-team` (line 12), inherited, and a blocked server is blocked even when allowed.',
      ],
    );
  });

  it('a diamond: the shared grandparent is the origin of what both parents carry; a list matching everything once merged is flagged on its key', () => {
    const r = validate('diamond', 'cavra-app');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'test/fixtures/inherited/diamond/policies/cavra-app/policy.yaml:8:3: warning inherited-matches-everything: Once merged, `filesystem.block_read` blocks every file read: "**" is inherited from `cavra-right` (line 9), so the entries listed here add nothing.',
        'test/fixtures/inherited/diamond/policies/cavra-app/policy.yaml:12:7: hint inherited-duplicate: Already inherited: `cavra-base` lists "curl*" in `commands.block` (line 8); CAVRA\'s merge drops this repeat, so it changes nothing.',
        'test/fixtures/inherited/diamond/policies/cavra-app/policy.yaml:14:7: warning inherited-unreachable-rule: Never fires: "wget*" in `commands.block` of `cavra-left` (line 9), inherited, already matches every target of "wget https://example.com/file". CAVRA checks `commands.block` first, so this command is blocked, never allowed.',
        'OK: 1 file checked, no errors, 2 warnings, 1 hint',
        '',
      ].join('\n'),
    );
  });

  it('a child with an error still exits 1, its merged findings printed beside it', () => {
    const broken = runCli(['validate', '--json', 'p/cavra-broken/policy.yaml', '--policy-dir', root('two-levels')], {
      cwd: join(repoRoot, 'test', 'fixtures', 'inherited', 'broken-child'),
    });
    assert.equal(broken.status, 1, broken.stderr);
    assert.deepEqual(
      (JSON.parse(broken.stdout) as { severity: string; code: string }[]).map((d) => `${d.severity} ${d.code}`),
      ['error missing-field', 'warning inherited-unreachable-rule'],
    );
  });
});
