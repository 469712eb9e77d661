// Disk errors: no space (ENOSPC), permission denied (EACCES), a read-only file system (EROFS) and I/O
// errors (EIO), at each place a change touches the disk: the lock, the store's temporary file, its
// rename, the evidence append, the publish temporaries and renames. Each failure must say which file,
// why in words, and what state it left; the previous state must be intact (byte for byte), no lock or
// temporary left behind, and the next operation must work once the fault is gone.
//
// Two ways of failing the disk: (1) in this process, by making node:fs calls throw the real error codes
// at chosen points (always runs); (2) for real, with the CLI as a child process, when the machine
// allows it: a full tmpfs and a read-only bind mount inside a private mount namespace
// (`unshare -rm`, nothing is mounted for anyone else), and the CLI run as `nobody` (`setpriv`) against
// root-owned files. Tests run as root here, where chmod alone does not stop writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BackendError } from '../../../server/src/backend/backend';
import { createLocalBackend } from '../../../server/src/backend/local';
import { verifyPolicySignature } from '../../../server/src/signing';
import { RECORDED_DRAFT } from '../backend/backendFixtures';
import { Figures } from './support/figures';
import { CLI, cleanEnv } from './support/processes';

type Code = 'ENOSPC' | 'EACCES' | 'EROFS' | 'EIO';
const WORDS: { [code in Code]: string } = {
  ENOSPC: 'no space left on the device (ENOSPC)',
  EACCES: 'permission denied (EACCES)',
  EROFS: 'the file system is read-only (EROFS)',
  EIO: 'an input/output error from the disk (EIO)',
};

/** Makes `fs[name]` throw `code` (as the kernel would) when `when(args)` holds; returns the undo. */
function inject(name: 'openSync' | 'writeSync' | 'renameSync', code: Code, when: (args: unknown[]) => boolean): () => void {
  // The module object itself (not an import namespace): the bundled backend looks its functions up on it at each call.
  const target = require('node:fs') as { [k: string]: (...a: unknown[]) => unknown };
  const original = target[name];
  target[name] = (...args: unknown[]) => {
    if (when(args))
      throw Object.assign(new Error(`${code}: injected, ${name} '${String(args[0])}'`), {
        code,
        syscall: name.replace('Sync', ''),
        path: String(args[0]),
      });
    return original(...args);
  };
  return () => {
    target[name] = original;
  };
}

const pathOf = (args: unknown[]) => String(args[0]);
const leftovers = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir).filter(
        (n) =>
          n.endsWith('.tmp') || n.endsWith('.lock') || n.endsWith('.new') || n.endsWith('.old') || n === '.publish-journal.json',
      )
    : [];

describe('reliability: disk errors', function () {
  this.timeout(60_000);
  const figures = new Figures('Faults: disk errors (ENOSPC, EACCES, EROFS, EIO)', 'test/unit/reliability/diskErrors.test.ts');
  let injected = 0;
  let real = 0;
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => {
    figures.add({
      what: 'disk errors injected in-process at the lock, store temporary, rename, evidence append, publish temporaries and renames',
      count: injected,
      unit: 'faults (4 codes × each point)',
      outcome:
        'each named the file, the reason and the state left; previous state byte-identical; 0 locks or temporaries left; next operation succeeded',
    });
    if (real)
      figures.add({
        what: 'real disk errors through dist/cli.js: full tmpfs, read-only bind mount (private mount namespace), run as nobody',
        count: real,
        unit: 'CLI runs',
        outcome: 'exit 1 with the file and reason; store and evidence byte-identical',
      });
    figures.save();
  });

  describe('injected into node:fs', () => {
    let root: string;
    let store: string;
    let evidence: string;
    beforeEach(async () => {
      root = mkdtempSync(join(tmpdir(), 'cavra-disk-'));
      store = join(root, '.cavra', 'approvals.json');
      evidence = join(root, '.cavra', 'evidence.jsonl');
      await createLocalBackend({ root }).createApproval({
        decision: { decision_id: 'seed', approver_group: 'Ops', reason: 'r' },
      });
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const storePoints: [string, 'openSync' | 'writeSync' | 'renameSync', (args: unknown[]) => boolean, RegExp][] = [
      // The lock is written to its own temporary first, then linked into place (store/lock.ts).
      [
        'creating the lock',
        'openSync',
        (a) => /approvals\.json\.lock(\.\d+\.[0-9a-f]{8}\.tmp)?$/.test(pathOf(a)) && a[1] === 'wx',
        /approvals\.json\.lock: cannot create the lock file: .*; nothing was changed$/,
      ],
      [
        'renaming the new store into place',
        'renameSync',
        (a) => basename(String(a[1])) === 'approvals.json',
        /approvals\.json: cannot write the store: .*; its previous content is unchanged$/,
      ],
    ];

    for (const code of ['ENOSPC', 'EACCES', 'EROFS', 'EIO'] as Code[]) {
      for (const [where, name, when, message] of storePoints) {
        it(`${code} while ${where}: a clear error, the store and evidence byte-identical, nothing left behind`, async () => {
          const before = [readFileSync(store), readFileSync(evidence)];
          const undo = inject(name, code, when);
          try {
            await assert.rejects(
              createLocalBackend({ root }).createApproval({ decision: { decision_id: 'd', approver_group: 'Ops', reason: 'r' } }),
              (e: BackendError) => {
                assert.ok(e instanceof BackendError, String(e));
                assert.match(e.detail, message);
                assert.ok(e.detail.includes(WORDS[code]), e.detail);
                return true;
              },
            );
          } finally {
            undo();
          }
          injected++;
          assert.deepEqual([readFileSync(store), readFileSync(evidence)], before);
          assert.deepEqual(leftovers(join(root, '.cavra')), []);
          const again = await createLocalBackend({ root }).createApproval({
            decision: { decision_id: 'd2', approver_group: 'Ops', reason: 'r' },
          });
          assert.equal(again.state, 'pending');
          assert.equal((await createLocalBackend({ root }).verifyEvidence()).ok, true);
        });
      }
    }

    it("writing the store's temporary file fails (ENOSPC mid-write): previous content intact, temporary removed", async () => {
      const before = readFileSync(store);
      const undo = inject('openSync', 'ENOSPC', (a) => /\.approvals\.json\.\d+\.[0-9a-f]+\.tmp$/.test(pathOf(a)));
      try {
        await assert.rejects(
          createLocalBackend({ root }).approve((await createLocalBackend({ root }).listApprovals()).items[0].approval_id, {
            actor: 'a',
            reason: 'r',
          }),
          (e: BackendError) =>
            /approvals\.json: cannot write the store: no space left on the device \(ENOSPC\); its previous content is unchanged$/.test(
              e.detail,
            ),
        );
      } finally {
        undo();
      }
      injected++;
      assert.deepEqual(readFileSync(store), before);
      assert.deepEqual(leftovers(join(root, '.cavra')), []);
    });

    for (const code of ['ENOSPC', 'EACCES', 'EIO'] as Code[]) {
      it(`${code} on the evidence append after the store was written: the error says the change was saved but not recorded`, async () => {
        const id = (await createLocalBackend({ root }).listApprovals()).items[0].approval_id;
        const evidenceBefore = readFileSync(evidence);
        const undo = inject('openSync', code, (a) => pathOf(a) === evidence);
        try {
          await assert.rejects(createLocalBackend({ root }).approve(id, { actor: 'a', reason: 'r' }), (e: BackendError) => {
            assert.equal(
              e.detail,
              `${store}: the change was saved, but recording it failed: ${evidence}: cannot append the evidence record: ${WORDS[code]}; run cavra-policy evidence verify once it is fixed`,
            );
            return true;
          });
        } finally {
          undo();
        }
        injected++;
        assert.equal(
          (await createLocalBackend({ root }).getApproval(id)).state,
          'approved',
          'the change stands, as the message says',
        );
        assert.deepEqual(readFileSync(evidence), evidenceBefore);
        assert.deepEqual(leftovers(join(root, '.cavra')), []);
        assert.equal((await createLocalBackend({ root }).verifyEvidence()).ok, true);
      });
    }

    for (const [where, name, when] of [
      ['writing the new policy.yaml', 'openSync', (a: unknown[]) => /\.policy\.yaml\.[0-9a-f]+\.new$/.test(pathOf(a))],
      [
        'renaming the new signature into place',
        'renameSync',
        (a: unknown[]) => basename(String(a[1])) === 'policy.yaml.sig.json',
      ],
    ] as const) {
      for (const code of ['ENOSPC', 'EROFS'] as Code[]) {
        it(`${code} while ${where}: the previous pair stays, signed; the message says so`, async () => {
          const b = createLocalBackend({ root });
          const publish = async (draft: typeof RECORDED_DRAFT) => {
            const { approval } = await b.publishRequest({ draft });
            await b.approve(approval.approval_id, { actor: 'a', reason: 'r' });
            return () => b.publish({ draft, approval_id: approval.approval_id });
          };
          await (
            await publish(RECORDED_DRAFT)
          )();
          const dir = join(root, 'policies', RECORDED_DRAFT.id);
          const pair = () => [
            readFileSync(join(dir, 'policy.yaml'), 'utf8'),
            readFileSync(join(dir, 'policy.yaml.sig.json'), 'utf8'),
          ];
          const before = pair();
          const second = await publish({ ...RECORDED_DRAFT, version: '2026.06' });
          const undo = inject(name, code, when);
          try {
            await assert.rejects(second(), (e: BackendError) => {
              assert.equal(e.detail.startsWith(`${dir}: cannot publish the pack: ${WORDS[code]}`), true, e.detail);
              assert.match(e.detail, /; the previous policy\.yaml and signature are unchanged$/);
              return true;
            });
          } finally {
            undo();
          }
          injected++;
          assert.deepEqual(pair(), before);
          assert.equal(verifyPolicySignature(Buffer.from(before[0]), before[1]).ok, true);
          assert.deepEqual(leftovers(dir), []);
          await second();
          assert.match(pair()[0], /2026\.06/);
        });
      }
    }
  });

  describe('real disk errors through the CLI', () => {
    const canUnshare = spawnSync('unshare', ['-rm', 'true']).status === 0;
    const canSetpriv =
      spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', '0']).status === 0;
    let root: string;
    let store: string;
    let evidence: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'cavra-disk-real-'));
      chmodSync(root, 0o755);
      writeFileSync(join(root, 'd.json'), JSON.stringify({ decision_id: 'd1', approver_group: 'Ops', reason: 'r' }));
      const r = spawnSync(process.execPath, [CLI, 'approval', 'create', 'd.json'], {
        cwd: root,
        env: cleanEnv(),
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      store = join(root, '.cavra', 'approvals.json');
      evidence = join(root, '.cavra', 'evidence.jsonl');
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    /** Runs `script` (sh) in a private user+mount namespace, so its mounts are nobody else's. */
    const inNamespace = (script: string) =>
      spawnSync('unshare', ['-rm', 'sh', '-c', script], {
        cwd: root,
        env: cleanEnv({ CLI, NODE: process.execPath }),
        encoding: 'utf8',
      });

    it('a full disk (tmpfs of 16 KiB, filled): exit 1 naming the file and ENOSPC; store and evidence unchanged', function () {
      if (!canUnshare) this.skip(); // needs unprivileged user namespaces (unshare -rm)
      const before = [readFileSync(store, 'utf8'), readFileSync(evidence, 'utf8')];
      const r =
        inNamespace(`cp -a .cavra saved && mount -t tmpfs -o size=16k tmpfs .cavra && cp -a saved/. .cavra/ && (head -c 65536 /dev/zero > .cavra/fill 2>/dev/null; true) &&
        "$NODE" "$CLI" approval create d.json; echo "exit=$?"; echo @@store; cat .cavra/approvals.json; echo @@evidence; cat .cavra/evidence.jsonl; echo @@listing; ls -a .cavra`);
      const [out, storeAfter, evidenceAfter, listing] = r.stdout.split(/^@@\w+\n/m);
      assert.equal(out, 'exit=1\n');
      assert.match(
        r.stderr,
        /^cavra-policy: .*\/\.cavra\/approvals\.json(\.lock)?: cannot (create the lock file|write the store): no space left on the device \(ENOSPC\); (nothing was changed|its previous content is unchanged)\n$/,
      );
      assert.equal(storeAfter, before[0]);
      assert.equal(evidenceAfter, before[1]);
      assert.doesNotMatch(listing, /\.lock|\.tmp/);
      real++;
    });

    it('a read-only folder (bind mount remounted read-only): exit 1 naming EROFS; list still works', function () {
      if (!canUnshare) this.skip(); // needs unprivileged user namespaces (unshare -rm)
      const before = readFileSync(store, 'utf8');
      const r = inNamespace(
        'mount --bind .cavra .cavra && mount -o remount,bind,ro .cavra && { "$NODE" "$CLI" approval create d.json; echo "exit=$?"; "$NODE" "$CLI" approval list --json; }',
      );
      assert.match(r.stdout, /exit=1/);
      assert.match(
        r.stderr,
        /approvals\.json\.lock: cannot create the lock file: the file system is read-only \(EROFS\); nothing was changed/,
      );
      assert.equal(JSON.parse(r.stdout.replace(/^.*exit=1\n/s, '')).total, 1, 'reads work on a read-only store');
      assert.equal(readFileSync(store, 'utf8'), before);
      real++;
    });

    it('run as nobody against root-owned files: exit 1 naming EACCES; with only the evidence log unwritable, the message says the change was saved', function () {
      if (!canSetpriv) this.skip(); // needs setpriv and a nobody user
      // nobody may not be able to read the checkout (CI clones into a 0700 temp folder): run a copy of
      // the self-contained CLI (its launcher and the bundle beside it) from the test's own world-readable
      // folder. The run's code cache is root's, so nobody's CLI runs without one (launch/codeCache.ts).
      const cli = join(root, 'cavra-policy.js');
      copyFileSync(CLI, cli);
      copyFileSync(join(dirname(CLI), 'cli-bundle.js'), join(root, 'cli-bundle.js'));
      const asNobody = (args: string[]) =>
        spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, cli, ...args], {
          cwd: root,
          env: cleanEnv(),
          encoding: 'utf8',
        });
      const before = [readFileSync(store, 'utf8'), readFileSync(evidence, 'utf8')];
      const denied = asNobody(['approval', 'create', 'd.json']);
      assert.equal(denied.status, 1);
      assert.match(
        denied.stderr,
        /approvals\.json\.lock: cannot create the lock file: permission denied \(EACCES\); nothing was changed/,
      );
      assert.deepEqual([readFileSync(store, 'utf8'), readFileSync(evidence, 'utf8')], before);
      // The folder and store become nobody's; the evidence log and its lock folder stay root's.
      const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim();
      chownSync(join(root, '.cavra'), Number(nobody), -1);
      chownSync(store, Number(nobody), -1);
      const id = (JSON.parse(before[0]) as { items: { approval_id: string }[] }).items[0].approval_id;
      const half = asNobody(['approval', 'approve', id, '--actor', 'a', '--reason', 'r']);
      assert.equal(half.status, 1);
      assert.match(
        half.stderr,
        /approvals\.json: the change was saved, but recording it failed: .*evidence\.jsonl: cannot append the evidence record: permission denied \(EACCES\)/,
      );
      assert.equal(readFileSync(evidence, 'utf8'), before[1]);
      real += 2;
    });
  });
});
