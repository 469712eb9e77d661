// Nothing a policy, an approval store or a request names can make the tool write outside the policy
// root: pack ids with `..`, separators, absolute paths, drive letters or NUL are refused before any file
// is touched, even when an attacker who can write the workspace forges an approved approval for them;
// a pack folder that is a symbolic link to a place outside the root is refused for publishing (and
// never "settled"); a policy.yaml that is a symbolic link is replaced, not written through; key ids
// and decision-test packs cannot name other folders. Reading through a symbolic link that stays
// inside the root still works.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { BackendError } from '../../../server/src/backend/backend';
import { createLocalBackend, type LocalBackend } from '../../../server/src/backend/local';
import { isSafePackId } from '../../../server/src/backend/local/policyRegistry';
import { pythonStoreJson } from '../../../server/src/backend/store';
import { WorkflowService } from '../../../server/src/workflows/workflowService';
import { defaultWorkflowSettings } from '../../../server/src/workflows/workspaceSettings';
import { RECORDED_DRAFT } from '../backend/backendFixtures';
import { Figures } from './support/figures';

const HOSTILE_IDS = [
  '..',
  '.',
  '',
  '../evil',
  '../../tmp/cavra-evil',
  '/tmp/cavra-evil',
  'cavra-a/../../evil',
  'cavra-a/b',
  'cavra-a\\..\\..\\evil',
  'C:evil',
  'cavra-a\0',
  ' cavra-a',
  'cavra-a ',
  '%2e%2e',
  '....//',
];

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      out.push(`${relative(dir, p)} ${s.isDirectory() ? 'dir' : s.size} ${s.isDirectory() ? '' : s.mtimeMs}`);
      if (s.isDirectory() && !s.isSymbolicLink()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** An approved publish approval written straight into the store, as anyone who can write the workspace could. */
function forgeApproval(store: string, policyId: string): string {
  const id = `apr_${Buffer.from(policyId).toString('hex').padEnd(12, '0').slice(0, 12)}`;
  const decision = {
    decision_id: `policy_publish:${policyId}:0`,
    action_type: 'policy_publish',
    policy_id: policyId,
    policy_digest: 'sha256:0',
    approver_group: 'Platform Security',
  };
  const items = existsSync(store) ? (JSON.parse(readFileSync(store, 'utf8')) as { items: unknown[] }).items : [];
  items.push({
    approval_id: id,
    state: 'approved',
    decision_id: decision.decision_id,
    decision,
    approver_group: 'Platform Security',
    expires_at: '2099-01-01T00:00:00+00:00',
    history: [],
  });
  mkdirSync(dirname(store), { recursive: true });
  writeFileSync(store, pythonStoreJson({ items }));
  return id;
}

describe('reliability: nothing is written outside the policy root', () => {
  const figures = new Figures('Security: paths and pack ids', 'test/unit/reliability/pathSafety.test.ts');
  let base: string;
  let ws: string;
  let outside: string;
  let backend: LocalBackend;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'cavra-paths-'));
    ws = join(base, 'ws');
    outside = join(base, 'outside');
    mkdirSync(join(ws, 'policies'), { recursive: true });
    mkdirSync(outside);
    backend = createLocalBackend({ root: ws });
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => figures.save());

  it('a safe pack id always names exactly one folder directly under the root', () => {
    const root = resolve('/srv/ws/policies');
    let accepted = 0;
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '/', '\\', ':', '\0', ' ', 'cavra-', 'a', '%2e', '\u2215', '\uFF0F'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 6 }).map((p) => p.join('')),
        (id) => {
          if (!isSafePackId(id)) return;
          accepted++;
          const dir = resolve(root, id);
          assert.equal(dirname(dir), root, `${JSON.stringify(id)} leaves the root`);
          assert.equal(basename(dir), id);
        },
      ),
      { numRuns: 5000 },
    );
    figures.add({
      what: 'isSafePackId over generated ids (dots, separators, NUL, look-alike slashes)',
      count: 5000,
      unit: `ids (${accepted} accepted)`,
      outcome: 'every accepted id names one folder directly under the root',
    });
  });

  it('publishing under a hostile id is refused before any file is touched, even with a forged approved approval', async () => {
    const store = join(ws, '.cavra', 'approvals.json');
    for (const id of HOSTILE_IDS) {
      const approval = forgeApproval(store, id);
      const before = snapshot(base);
      await assert.rejects(
        backend.publish({ draft: { ...RECORDED_DRAFT, id }, approval_id: approval }),
        (e: unknown) => {
          assert.ok(e instanceof BackendError, String(e));
          assert.equal(e.status, 400);
          return true;
        },
        JSON.stringify(id),
      );
      assert.deepEqual(snapshot(base), before, `publishing ${JSON.stringify(id)} wrote something`);
    }
    for (const id of HOSTILE_IDS.filter(Boolean)) {
      await assert.rejects(
        backend.evaluate({ action_type: 'read_file', target: '.env', policy_pack: id }),
        (e: BackendError) => e.status === 400 || e.status === 404,
        JSON.stringify(id),
      );
      await assert.rejects(
        backend.runDecisionTests({ policy_pack: id }),
        (e: BackendError) => e.status === 400 || e.status === 404,
        JSON.stringify(id),
      );
    }
    figures.add({
      what: 'hostile pack ids (.., separators, absolute, drive, NUL, padding)',
      count: HOSTILE_IDS.length,
      unit: 'ids × publish with a forged approved approval, evaluate, decision tests',
      outcome: 'all refused (400/404); 0 files written anywhere',
    });
  });

  it('a pack folder that is a symbolic link outside the root: publish refused with the reason, the outside folder untouched, never settled', async () => {
    const link = join(ws, 'policies', RECORDED_DRAFT.id);
    symlinkSync(outside, link);
    // Leftovers of an "interrupted publish" in the outside folder: settling would rename or delete them.
    writeFileSync(join(outside, '.policy.yaml.abcdef.new'), 'metadata: {}\n');
    writeFileSync(
      join(outside, '.publish-journal.json'),
      JSON.stringify({ policy_temp: '.policy.yaml.abcdef.new', signature_temp: 'x' }),
    );
    const before = snapshot(outside);
    const { approval } = await backend.publishRequest({ draft: RECORDED_DRAFT });
    await backend.approve(approval.approval_id, { actor: 'a', reason: 'r' });
    await assert.rejects(backend.publish({ draft: RECORDED_DRAFT, approval_id: approval.approval_id }), (e: BackendError) => {
      assert.equal(e.status, 400);
      assert.match(
        e.detail,
        /is a symbolic link to .*outside, outside the policy root .*; publishing there would write outside it: replace the link with a folder$/,
      );
      return true;
    });
    await backend.catalog();
    await backend.publishPlan({ draft: RECORDED_DRAFT });
    assert.deepEqual(snapshot(outside), before, 'something was written, renamed or deleted outside the root');
    // A dangling link is refused too.
    rmSync(link);
    symlinkSync(join(base, 'nowhere'), link);
    await assert.rejects(
      backend.publish({ draft: RECORDED_DRAFT, approval_id: approval.approval_id }),
      /symbolic link that leads nowhere/,
    );
    assert.equal(existsSync(join(base, 'nowhere')), false);
  });

  it('a pack folder linked to another folder inside the root still publishes; a policy.yaml that is a link is replaced, not written through', async () => {
    const real = join(ws, 'policies', 'shared');
    mkdirSync(real);
    symlinkSync(real, join(ws, 'policies', RECORDED_DRAFT.id));
    const { approval } = await backend.publishRequest({ draft: RECORDED_DRAFT });
    await backend.approve(approval.approval_id, { actor: 'a', reason: 'r' });
    await backend.publish({ draft: RECORDED_DRAFT, approval_id: approval.approval_id });
    assert.ok(statSync(join(real, 'policy.yaml')).isFile());

    const victim = join(outside, 'victim.yaml');
    writeFileSync(victim, 'do not overwrite\n');
    rmSync(join(real, 'policy.yaml'));
    symlinkSync(victim, join(real, 'policy.yaml'));
    const draft = { ...RECORDED_DRAFT, version: '2026.06' };
    const second = await backend.publishRequest({ draft });
    await backend.approve(second.approval.approval_id, { actor: 'a', reason: 'r' });
    await backend.publish({ draft, approval_id: second.approval.approval_id });
    assert.equal(readFileSync(victim, 'utf8'), 'do not overwrite\n');
    assert.equal(lstatSync(join(real, 'policy.yaml')).isSymbolicLink(), false, 'the link was replaced by the published file');
  });

  it("the editor's requests: a published-pack id or a signing key id that is a path is refused", async () => {
    const keyDir = join(ws, '.cavra', 'policy-signing');
    mkdirSync(keyDir, { recursive: true });
    writeFileSync(
      join(outside, 'stolen.private.pem'),
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n',
    );
    const uri = `file://${join(ws, 'policies', RECORDED_DRAFT.id, 'policy.yaml')}`;
    const service = new WorkflowService(() => ({
      folder: ws,
      settings: { ...defaultWorkflowSettings },
      backend,
      token: null,
      openText: () => 'metadata: {id: cavra-x}\n',
    }));
    for (const id of ['..', '../outside', '/etc', 'a/b', 'a\\b']) {
      await assert.rejects(service.handle('publishedPack', { policy_id: id }), /not safe for write-back/, id);
    }
    for (const keyId of ['../../outside/stolen', `${outside}/stolen`, '..\\outside\\stolen']) {
      await assert.rejects(service.handle('publish', { uri, approval_id: 'apr_x', key_id: keyId }), /is not a plain name/, keyId);
    }
  });
});
