// `cavra-policy check`, the CI gate, through the CLI process: a root that holds passes (exit 0); a root
// with an invalid pack, a re-signed published pack and a failing decision test fails (exit 1) with each
// finding on its file and line. The standard formats are checked with implementations this project did
// not write: the SARIF log against the SARIF 2.1.0 JSON schema (test/fixtures/sarif, from
// @microsoft/jest-sarif) with ajv's draft-04 validator (ajv-draft-04, the schema's draft), and the JUnit
// XML with fast-xml-parser (its validator, then its parser).
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cli, cliJson } from './cliProcess';

const PACK = 'cavra-pay';
const POLICY = `policies/${PACK}/policy.yaml`;
const DRAFT = `metadata:
  id: ${PACK}
  title: Payments
  description: Payment platform controls.
  version: "1"
commands:
  block:
    - terraform apply*
`;
const TESTS = `cases:
  - name: apply is blocked
    action: execute_command
    target: terraform apply -auto-approve
    expect: {decision: block}
  - name: reading the README is fine
    action: read_file
    target: README.md
    expect: {decision: allow}
`;

const schema = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// The schema's patterns are ECMAScript without the u flag (one has a lone "]"), so unicodeRegExp is off.
// Its formats are checked with the platform's URL parser rather than left unchecked.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/'));
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s));
const validateSarif = ajv.compile(schema);

interface JunitCase {
  '@_name': string;
  '@_classname': string;
  '@_line'?: string;
  failure?: { '@_message': string; '#text': string };
}

function parseJunit(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(
    xml,
  ) as { testsuites: { '@_tests': string; '@_failures': string; testsuite: { '@_name': string; testcase: JunitCase[] }[] } };
  return doc.testsuites;
}

describe('cavra-policy check: the CI gate', function () {
  this.timeout(60000);
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ 'drafts/pay.yaml': DRAFT });
    // The default trusted key directory, as the editor and verify use it.
    cliJson(ws.root, ['keygen', '--output', '.cavra/policy-signing', '--key-id', 'release']);
    const { approval_id } = cliJson<{ approval: { approval_id: string } }>(ws.root, ['request', 'drafts/pay.yaml']).approval;
    cliJson(ws.root, ['approval', 'approve', approval_id, '--actor', 'alice', '--reason', 'reviewed']);
    const key = ['--private-key', '.cavra/policy-signing/release.private.pem', '--key-id', 'release'];
    assert.equal(cli(ws.root, ['publish', 'drafts/pay.yaml', '--approval', approval_id, ...key]).status, 0);
    ws.write(`policies/${PACK}/policy.tests.yaml`, TESTS);
  });
  afterEach(() => ws.remove());

  it('a root that holds: exit 0, a summary line, and the decision tests as JUnit XML', () => {
    const r = cli(ws.root, ['check', '--junit', 'reports/decisions.xml']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(
      r.stdout,
      'OK: 1 pack (1 valid), 1 published (1 verified, 0 break-glass, 0 outside the studio), 2 decision tests (0 failed)\n',
    );
    const junit = parseJunit(readFileSync(join(ws.root, 'reports/decisions.xml'), 'utf8'));
    assert.deepEqual([junit['@_tests'], junit['@_failures']], ['2', '0']);
    assert.equal(junit.testsuite[0]['@_name'], PACK);
    assert.deepEqual(
      junit.testsuite[0].testcase.map((c) => [c['@_name'], c['@_classname'], c['@_line'], c.failure]),
      [
        ['apply is blocked', PACK, '2', undefined],
        ['reading the README is fine', PACK, '6', undefined],
      ],
    );
    const json = cliJson<{ ok: boolean; packs: { provenance: { state: string } }[] }>(ws.root, ['check']);
    assert.deepEqual([json.ok, json.packs[0].provenance.state], [true, 'verified']);
  });

  describe('a root that does not hold', () => {
    beforeEach(() => {
      // The tampering: the published pack edited and signed again, outside any approval.
      const file = join(ws.root, POLICY);
      writeFileSync(file, readFileSync(file, 'utf8').replace('terraform apply*', 'terraform plan*'));
      const key = ['--private-key', '.cavra/policy-signing/release.private.pem', '--key-id', 'release'];
      assert.equal(cli(ws.root, ['sign', POLICY, ...key]).status, 0);
      // An invalid pack that was never published: checked for validity only.
      ws.write(
        'policies/broken/policy.yaml',
        'metadata:\n  id: broken\n  title: Broken\n  description: d\n  version: "1"\ncommands: 5\n',
      );
    });

    it('text: every finding on its file and line, then FAILED; exit 1', () => {
      const r = cli(ws.root, ['check']);
      assert.equal(r.status, 1);
      const lines = r.stdout.trim().split('\n');
      assert.match(
        lines.find((l) => l.startsWith('policies/broken/policy.yaml:6:'))!,
        /error wrong-type: `commands` must be a mapping/,
      );
      assert.match(
        lines.find((l) => l.startsWith(`${POLICY}:1:1: error publish-provenance:`))!,
        /cavra-pay: signed outside an approval: these bytes \(sha256:[0-9a-f]{64}\) were signed by local/,
      );
      assert.match(
        lines.find((l) => l.startsWith(`policies/${PACK}/policy.tests.yaml:2:1: error decision-test:`))!,
        /decision test "apply is blocked" failed: decision: expected "block", got "require_approval"/,
      );
      assert.match(
        lines.at(-1)!,
        /^FAILED: 2 packs \(1 valid\), 1 published \(0 verified, 0 break-glass, 0 outside the studio\), 2 decision tests \(1 failed\); \d+ errors$/,
      );
    });

    it('--format sarif: a SARIF 2.1.0 log valid against the official schema, one result per finding', () => {
      const r = cli(ws.root, ['check', '--format', 'sarif']);
      assert.equal(r.status, 1);
      const log = JSON.parse(r.stdout) as {
        version: string;
        runs: {
          tool: { driver: { name: string; rules: { id: string }[] } };
          results: {
            ruleId: string;
            ruleIndex: number;
            level: string;
            locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
          }[];
        }[];
      };
      assert.equal(validateSarif(log), true, JSON.stringify(validateSarif.errors, null, 2));
      assert.equal(log.version, '2.1.0');
      const run = log.runs[0];
      assert.equal(run.tool.driver.name, 'cavra-policy');
      const where = run.results.map((x) => [
        x.ruleId,
        x.level,
        x.locations[0].physicalLocation.artifactLocation.uri,
        x.locations[0].physicalLocation.region.startLine,
      ]);
      assert.deepEqual(
        where.find((w) => w[0] === 'publish-provenance'),
        ['publish-provenance', 'error', POLICY, 1],
      );
      assert.deepEqual(
        where.find((w) => w[0] === 'decision-test'),
        ['decision-test', 'error', `policies/${PACK}/policy.tests.yaml`, 2],
      );
      assert.deepEqual(where.find((w) => w[0] === 'wrong-type')?.slice(2), ['policies/broken/policy.yaml', 6]);
      for (const x of run.results) assert.equal(run.tool.driver.rules[x.ruleIndex].id, x.ruleId);
      // The schema is not a formality: a log without its version is refused.
      assert.equal(validateSarif({ ...log, version: undefined }), false);
    });

    it('--format github: workflow commands on the right file and line; --junit marks the failing case', () => {
      const r = cli(ws.root, ['check', '--format', 'github', '--junit', 'decisions.xml']);
      assert.equal(r.status, 1);
      const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
      assert.ok(
        commands.includes(
          `::error file=policies/${PACK}/policy.tests.yaml,line=2,col=1,endLine=2,endColumn=1,title=cavra decision-test::cavra-pay: decision test "apply is blocked" failed: decision: expected "block", got "require_approval" (No allow rule matched; review required.)`,
        ),
        commands.join('\n'),
      );
      const provenance = commands.find((l) => l.startsWith(`::error file=${POLICY},line=1,col=1,`))!;
      assert.match(provenance, /,title=cavra publish-provenance::cavra-pay: signed outside an approval: /);
      assert.ok(commands.some((l) => /^::error file=policies\/broken\/policy\.yaml,line=6,/.test(l)));
      const junit = parseJunit(readFileSync(join(ws.root, 'decisions.xml'), 'utf8'));
      assert.deepEqual([junit['@_tests'], junit['@_failures']], ['2', '1']);
      const failed = junit.testsuite[0].testcase.find((c) => c.failure)!;
      assert.equal(failed['@_name'], 'apply is blocked');
      assert.match(failed.failure!['@_message'], /^decision: expected "block", got "require_approval"/);
      assert.match(failed.failure!['#text'], /^expected \{"decision":"block"\}, got \{"decision":"require_approval",/);
    });
  });

  it('a pack published outside the studio fails the gate unless --allow-published-outside-studio', () => {
    // The evidence log goes (as in a repository where CAVRA itself published): the signature still verifies.
    rmSync(join(ws.root, '.cavra/evidence.jsonl'));
    rmSync(join(ws.root, '.cavra/evidence.head.json'));
    const strict = cli(ws.root, ['check']);
    assert.equal(strict.status, 1);
    assert.match(
      strict.stdout,
      /error publish-provenance: cavra-pay: published outside the studio: .*\(pass --allow-published-outside-studio to accept/,
    );
    const allowed = cli(ws.root, ['check', '--allow-published-outside-studio']);
    assert.equal(allowed.status, 0, allowed.stdout);
    assert.match(allowed.stdout, /note publish-provenance: cavra-pay: published outside the studio/);
    assert.match(allowed.stdout, /^OK: 1 pack \(1 valid\), 1 published \(0 verified, 0 break-glass, 1 outside the studio\)/m);
  });

  it('a published pack whose signature file is gone fails: the log says it was published', () => {
    rmSync(join(ws.root, `${POLICY}.sig.json`));
    const r = cli(ws.root, ['check']);
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      new RegExp(`^${POLICY}:1:1: error signature: cavra-pay: the signature does not verify: no signature: `, 'm'),
    );
  });

  it('a break-glass publish passes the gate with a warning annotation', () => {
    const { decision } = cliJson<{ approval: { decision: object } }>(ws.root, ['request', 'drafts/pay.yaml']).approval;
    ws.write('decision.json', JSON.stringify(decision));
    // The same draft again: the request above has the same digest, so a break-glass approval of it may publish it.
    const bg = cliJson<{ approval_id: string }>(ws.root, [
      'approval',
      'break-glass',
      'decision.json',
      '--actor',
      'oncall',
      '--reason',
      'outage',
    ]);
    const key = ['--private-key', '.cavra/policy-signing/release.private.pem', '--key-id', 'release'];
    assert.equal(cli(ws.root, ['publish', 'drafts/pay.yaml', '--approval', bg.approval_id, ...key]).status, 0);
    const r = cli(ws.root, ['check', '--format', 'github']);
    assert.equal(r.status, 0, r.stdout);
    assert.match(
      r.stdout,
      new RegExp(
        `^::warning file=${POLICY},line=1,col=1,endLine=1,endColumn=1,title=cavra publish-provenance::cavra-pay: break-glass publish: `,
        'm',
      ),
    );
    assert.match(r.stdout, /^OK: 1 pack \(1 valid\), 1 published \(0 verified, 1 break-glass, 0 outside the studio\)/m);
  });

  it('usage errors exit 2: an unknown format, an argument', () => {
    const format = cli(ws.root, ['check', '--format', 'xml']);
    assert.equal(format.status, 2);
    assert.match(format.stderr, /--format/);
    const extra = cli(ws.root, ['check', 'policies']);
    assert.equal(extra.status, 2);
    assert.match(extra.stderr, /check takes no arguments/);
  });
});
