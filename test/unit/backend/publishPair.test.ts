// The policy/signature pair is replaced as one unit. A failure at any step inside the process leaves
// the previous pair byte-identical; a crash (the process killed) at any step leaves, after the next
// access to the pack, either the old pair or the new one — never a policy with another's signature.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalBackend, type PublishStep } from '../../../server/src/backend/local';
import { verifyPolicySignature } from '../../../server/src/signing';
import { RECORDED_DRAFT, steppingClock, workspace, type Workspace } from './backendFixtures';

const STEPS: PublishStep[] = ['temporaries-written', 'journal-written', 'policy-renamed', 'signature-renamed', 'journal-removed'];
const DRAFT_V2 = {
  ...RECORDED_DRAFT,
  version: '2026.06',
  commands: { block: ['terraform apply -auto-approve', 'terraform destroy*'] },
};

async function crashWorker(): Promise<void> {
  const step = process.env.CAVRA_PUBLISH_CRASH_AT as PublishStep;
  const backend = createLocalBackend({
    root: process.env.CAVRA_PUBLISH_ROOT!,
    // The parent's clock, carried on: the approval was made on it, so its expiry is judged on it.
    clock: steppingClock(Number(process.env.CAVRA_PUBLISH_CLOCK_MS)).clock,
    publishHooks: {
      afterStep: (s) => {
        if (s === step) process.exit(9);
      },
    },
  });
  await backend.publish({ draft: DRAFT_V2, approval_id: process.env.CAVRA_PUBLISH_APPROVAL! });
  process.exit(0);
}

function pair(dir: string): [string, string] {
  return [readFileSync(join(dir, 'policy.yaml'), 'utf8'), readFileSync(join(dir, 'policy.yaml.sig.json'), 'utf8')];
}

function assertConsistent(dir: string): void {
  const [policy, sig] = pair(dir);
  const verdict = verifyPolicySignature(Buffer.from(policy), sig);
  assert.equal(verdict.ok, true, verdict.message);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.startsWith('.') && !n.endsWith('.lock')),
    [],
    'no journal or temporaries are left',
  );
}

if (process.env.CAVRA_PUBLISH_CRASH_AT) {
  void crashWorker();
} else {
  describe('local backend: the published pair is atomic', () => {
    let ws: Workspace;
    const dir = () => join(ws.root, 'policies', 'cavra-platform-baseline');

    async function approve(draft: { [key: string]: unknown }): Promise<string> {
      const { approval } = await ws.backend.publishRequest({ draft });
      await ws.backend.approve(approval.approval_id, { actor: 'a', reason: 'r' });
      return approval.approval_id;
    }

    beforeEach(async () => {
      ws = workspace();
      await ws.backend.publish({ draft: RECORDED_DRAFT, approval_id: await approve(RECORDED_DRAFT) });
    });
    afterEach(() => ws.cleanup());

    for (const step of STEPS.slice(0, 4)) {
      it(`a failure after "${step}" leaves the previous pair byte-identical`, async () => {
        const before = pair(dir());
        const id = await approve(DRAFT_V2);
        const failing = ws.make({
          publishHooks: {
            afterStep: (s) => {
              if (s === step) throw new Error(`disk full after ${s}`);
            },
          },
        });
        await assert.rejects(failing.publish({ draft: DRAFT_V2, approval_id: id }), /disk full/);
        assert.deepEqual(pair(dir()), before);
        assertConsistent(dir());
      });
    }

    it('a failed first publish leaves no pack folder behind', async () => {
      const draft = { ...RECORDED_DRAFT, id: 'cavra-brand-new' };
      const id = await approve(draft);
      const failing = ws.make({
        publishHooks: {
          afterStep: (s) => {
            if (s === 'policy-renamed') throw new Error('EIO');
          },
        },
      });
      await assert.rejects(failing.publish({ draft, approval_id: id }), /EIO/);
      assert.equal(existsSync(join(ws.root, 'policies', 'cavra-brand-new')), false);
    });

    it("a publisher killed while taking the pack's lock leaves only the lock's temporary: the next access removes it", async () => {
      // What `kill -9` between writing the lock's content and linking it into place leaves (seen in CI's
      // crash test): a temporary named after a pid that is gone, and no journal.
      const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
      const temporary = join(dir(), `..publish.lock.${gone}.0a1b2c3d.tmp`);
      writeFileSync(temporary, '{"pid":0}');
      const live = join(dir(), `..publish.lock.${process.pid}.0a1b2c3d.tmp`);
      writeFileSync(live, '{"pid":0}');
      await ws.make().catalog();
      assert.equal(existsSync(temporary), false, "the dead writer's temporary is removed");
      assert.equal(existsSync(live), true, "a live writer's is never touched");
      rmSync(live);
      assertConsistent(dir());
    });

    for (const step of STEPS) {
      it(`a crash after "${step}" is settled by the next access: old pair before the journal, new pair after`, async () => {
        const before = pair(dir());
        const id = await approve(DRAFT_V2);
        const child = spawnSync(process.execPath, [__filename], {
          env: {
            ...process.env,
            CAVRA_PUBLISH_CRASH_AT: step,
            CAVRA_PUBLISH_ROOT: ws.root,
            CAVRA_PUBLISH_APPROVAL: id,
            CAVRA_PUBLISH_CLOCK_MS: String(ws.clock.peek()),
          },
          encoding: 'utf8',
        });
        assert.equal(child.status, 9, child.stderr);
        await ws.make().catalog(); // any access to the pack settles it
        assertConsistent(dir());
        const after = pair(dir());
        if (step === 'temporaries-written') assert.deepEqual(after, before);
        else assert.match(after[0], /terraform destroy\*/);
      });
    }
  });
}
