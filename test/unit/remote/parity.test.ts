// The two backends are one product: every scenario of parityScenarios.ts gives the same transcript
// (answers and refusals) against the local backend directly and against RemoteBackend + the CAVRA
// test server, except server-stamped times and ids.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActorVerifier } from '../../../server/src/backend/actor';
import { BackendError, type Backend } from '../../../server/src/backend/backend';
import { createLocalBackend } from '../../../server/src/backend/local';
import { RemoteBackend } from '../../../server/src/backend/remote';
import { fixturePoliciesDir, startLocalCavraServer } from '../../server/localCavraServer';
import { AUDIENCE, ISSUER, NOW, TempDir, makeKey, sign, writeOidcConfig, type TestKey } from '../actor/fixtures';
import { PARITY_SCENARIOS, type Scenario, type ScenarioContext } from './parityScenarios';
import { assertSameOrderedJson } from './serverStamped';
import { TOKEN } from './remoteFixtures';

type Entry = { step: string; answer?: unknown; refusal?: { status: number; detail: string } };

async function runScenario(scenario: Scenario, backend: Backend, token: ScenarioContext['token']): Promise<Entry[]> {
  const ctx: ScenarioContext = { backend, saved: {}, token };
  const transcript: Entry[] = [];
  for (const s of scenario.steps) {
    try {
      transcript.push({ step: s.name, answer: await s.run(ctx) });
    } catch (e) {
      if (!(e instanceof BackendError))
        throw new Error(`${scenario.name} / ${s.name}: not a BackendError: ${(e as Error).stack}`);
      transcript.push({ step: s.name, refusal: { status: e.status, detail: e.detail } });
    }
  }
  return transcript;
}

function checkExpectations(scenario: Scenario, transcript: Entry[], backendName: string): void {
  scenario.steps.forEach((s, i) => {
    const got = transcript[i];
    const where = `${backendName}: ${scenario.name} / ${s.name}`;
    if (s.expect === 'ok') assert.ok(got.refusal === undefined, `${where}: refused ${JSON.stringify(got.refusal)}`);
    else assert.deepEqual(got.refusal, { status: s.expect[0], detail: s.expect[1] }, where);
  });
}

describe('parity: local backend and RemoteBackend + CAVRA test server give the same results', function () {
  this.timeout(30_000);
  let keys: TempDir;
  let key: TestKey;
  let oidcConfigPath: string;
  const token = (claims: { [claim: string]: unknown }) => sign(key, { sub: String(claims.email ?? 'user'), ...claims });

  before(async () => {
    keys = new TempDir();
    key = await makeKey('parity-key');
    oidcConfigPath = writeOidcConfig(keys, [key.publicJwk]);
  });
  after(() => keys.remove());

  const verifierFor = (scenario: Scenario) =>
    scenario.oidc ? createActorVerifier({ oidcConfigPath, now: () => NOW }) : undefined;

  for (const scenario of PARITY_SCENARIOS) {
    it(scenario.name, async () => {
      // Local: the backend in its own workspace.
      const localRoot = mkdtempSync(join(tmpdir(), 'cavra-parity-local-'));
      mkdirSync(join(localRoot, 'policies'));
      for (const pack of scenario.packs ?? [])
        cpSync(join(fixturePoliciesDir(), pack), join(localRoot, 'policies', pack), { recursive: true });
      const verifier = verifierFor(scenario);
      const local = createLocalBackend({ root: localRoot, ...(verifier ? { actorVerifier: verifier } : {}) });

      // Remote: the same engine behind CAVRA's HTTP API in another temp dir.
      const remoteVerifier = verifierFor(scenario);
      const server = await startLocalCavraServer({
        packs: scenario.packs,
        ...(remoteVerifier ? { actorVerifier: remoteVerifier } : {}),
      });
      const remote = new RemoteBackend({
        url: server.url,
        token: scenario.oidc ? undefined : TOKEN,
        proxy: false,
        timeoutMs: 10_000,
      });
      try {
        const localTranscript = await runScenario(scenario, local, token);
        const remoteTranscript = await runScenario(scenario, remote, token);
        checkExpectations(scenario, localTranscript, 'local');
        checkExpectations(scenario, remoteTranscript, 'remote');
        assertSameOrderedJson(
          remoteTranscript,
          localTranscript,
          [localRoot, server.root],
          `${scenario.name}: remote transcript vs local`,
        );
      } finally {
        await server.close();
        rmSync(localRoot, { recursive: true, force: true });
      }
    });
  }

  it('covers the journey, every documented refusal status, and both actor modes', () => {
    const statuses = new Set(PARITY_SCENARIOS.flatMap((s) => s.steps.map((st) => (st.expect === 'ok' ? 200 : st.expect[0]))));
    assert.deepEqual([...statuses].sort(), [200, 400, 401, 403, 404]);
    assert.ok(PARITY_SCENARIOS.some((s) => s.oidc) && PARITY_SCENARIOS.some((s) => !s.oidc));
    void ISSUER;
    void AUDIENCE;
  });
});
