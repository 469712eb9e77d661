// The policy root as one project, over a real stdio connection: a child's diagnostics follow its
// parents as they are typed (unsaved), every pack under the root is reported whether open or not
// (pulled with result ids, or pushed to a client without pull diagnostics), and the
// cavra.diagnostics.workspace setting turns the packs that are not open off.
// Fixture: test/fixtures/inheritance-root (two levels, three levels, a diamond, a broken pack, an orphan).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Diagnostic,
  FullDocumentDiagnosticReport,
  Hover,
  MarkupContent,
  PublishDiagnosticsParams,
  WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol';
import { cli } from '../cli/cliProcess';
import { LspClient } from './lspClient';
import { repoRoot } from './repoRoot';
import { tempWorkspace, type TempWorkspace } from './tempWorkspace';

const FIXTURE = join(repoRoot, 'test/fixtures/inheritance-root');
const packPath = (id: string) => `policies/${id}/policy.yaml`;
const fixtureText = (id: string) => readFileSync(join(FIXTURE, packPath(id)), 'utf8');
const codes = (d: Diagnostic[]) => d.map((x) => x.code);
const hoverText = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';
const hasCode = (code: string) => (p: PublishDiagnosticsParams) => codes(p.diagnostics).includes(code);
const lacksCode = (code: string) => (p: PublishDiagnosticsParams) => !codes(p.diagnostics).includes(code);

/** The workspace report as `pack id -> codes` (full reports) or `pack id -> 'unchanged'`. */
function byPack(items: WorkspaceDocumentDiagnosticReport[]): Record<string, string[] | 'unchanged'> {
  const out: Record<string, string[] | 'unchanged'> = {};
  for (const item of items) {
    const id = item.uri.split('/').slice(-2, -1)[0];
    out[id] = item.kind === 'full' ? codes(item.items).map(String) : 'unchanged';
  }
  return out;
}

describe('the policy root as one project', () => {
  let ws: TempWorkspace;
  let client: LspClient | undefined;
  beforeEach(() => {
    ws = tempWorkspace({}, FIXTURE);
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    ws.remove();
  });

  describe('a child follows its parents as they are typed (push)', () => {
    it("clears a child's unknown-inherits when its missing parent is created in an unsaved document, and brings it back when the parent's id is renamed", async () => {
      client = await LspClient.start({ workspace: ws.root });
      const orphan = client.uriOf(packPath('cavra-orphan'));
      await client.open(orphan, fixtureText('cavra-orphan'));
      assert.deepEqual(codes(await client.diagnostics(orphan, 1)), ['unknown-inherits']);

      // The parent exists only as an open, unsaved document: nothing on disk, the child untouched.
      const missing = client.uriOf(packPath('cavra-missing'));
      const parent = fixtureText('cavra-base').replace(/cavra-base/g, 'cavra-missing');
      await client.open(missing, parent);
      const cleared = await client.publishedFor(orphan, lacksCode('unknown-inherits'), 'the orphan without unknown-inherits');
      assert.equal(cleared.version, 1, 'the child was not edited');
      assert.deepEqual(cleared.diagnostics, []);

      await client.change(missing, parent.replace('id: cavra-missing', 'id: cavra-renamed'));
      const back = await client.publishedFor(orphan, hasCode('unknown-inherits'), 'the orphan with unknown-inherits again');
      assert.match(String(back.diagnostics[0].message), /No pack `cavra-missing`/);
    });

    it('re-lints a grandchild when its grandparent is edited into a cycle through it (three levels)', async () => {
      client = await LspClient.start({ workspace: ws.root });
      const service = client.uriOf(packPath('cavra-service'));
      await client.open(service, fixtureText('cavra-service'));
      assert.deepEqual(await client.diagnostics(service, 1), []);

      // cavra-org is two levels up; cavra-team (between them) is not open.
      const org = client.uriOf(packPath('cavra-org'));
      await client.open(
        org,
        fixtureText('cavra-org').replace('  mode: enforce\n', '  mode: enforce\n  inherits: cavra-service\n'),
      );
      const cycle = await client.publishedFor(service, hasCode('inheritance-cycle'), 'the service pack in a cycle');
      assert.equal(cycle.version, 1);
      assert.deepEqual(
        cycle.diagnostics.map((d) => d.message),
        ['Inheritance cycle: cavra-service → cavra-team → cavra-org → cavra-service.'],
      );

      // Closing the grandparent without saving: the pack on disk applies again.
      await client.close(org);
      const healed = await client.publishedFor(service, lacksCode('inheritance-cycle'), 'the service pack out of the cycle');
      assert.deepEqual(healed.diagnostics, []);
    });

    it("checks a diamond's open bottom at once when its top is renamed while typing, and the unopened sides when it is saved", async () => {
      client = await LspClient.start({ workspace: ws.root });
      const left = client.uriOf(packPath('cavra-left'));
      const right = client.uriOf(packPath('cavra-right'));
      await client.publishedFor(left, (p) => p.diagnostics.length === 0, 'the left side, clean');
      const bottom = client.uriOf(packPath('cavra-bottom'));
      await client.open(bottom, fixtureText('cavra-bottom'));
      await client.diagnostics(bottom, 1);
      const top = client.uriOf(packPath('cavra-top'));
      await client.open(top, fixtureText('cavra-top'));
      await client.diagnostics(top, 1);
      // The bottom read the top through both sides: it is checked again at once (still clean, as the
      // sides it names exist), although neither it nor the sides were touched.
      const seen = client.published.length;
      const renamed = fixtureText('cavra-top').replace('id: cavra-top', 'id: cavra-apex');
      await client.change(top, renamed);
      const again = await client.publishedFor(bottom, (p) => client!.published.indexOf(p) >= seen, 'the bottom re-checked');
      assert.deepEqual([again.version, again.diagnostics], [1, []]);
      // Saved: the sides, not open, now miss their parent.
      ws.write(packPath('cavra-top'), renamed);
      await client.filesChanged([packPath('cavra-top')]);
      for (const side of [left, right]) {
        const p = await client.publishedFor(side, hasCode('unknown-inherits'), `${side} missing its top`);
        assert.equal(p.version, undefined, 'an unopened pack is published without a version');
      }
    });

    it('leaves packs that are not open as they are on disk while a parent is typed, and reports them once it is saved (pull)', async () => {
      client = await LspClient.start({ workspace: ws.root, pullDiagnostics: true });
      const first = await client.workspaceDiagnostics();
      const ids = first.items.map((i) => ({ uri: i.uri, value: (i as FullDocumentDiagnosticReport).resultId! }));
      const top = client.uriOf(packPath('cavra-top'));
      const renamed = fixtureText('cavra-top').replace('id: cavra-top', 'id: cavra-apex');
      await client.open(top, fixtureText('cavra-top'));
      await client.change(top, renamed);
      await client.pullDiagnostics(top);
      const typing = byPack((await client.workspaceDiagnostics(ids)).items);
      assert.ok(!('cavra-top' in typing), 'an open pack is reported by textDocument/diagnostic, not in the workspace report');
      assert.deepEqual(
        Object.entries(typing).filter(([, v]) => v !== 'unchanged'),
        [],
      );
      ws.write(packPath('cavra-top'), renamed);
      await client.filesChanged([packPath('cavra-top')]);
      const saved = byPack((await client.workspaceDiagnostics(ids)).items);
      assert.deepEqual(
        Object.entries(saved).filter(([, v]) => v !== 'unchanged'),
        [
          ['cavra-left', ['unknown-inherits']],
          ['cavra-orphan', ['unknown-inherits']],
          ['cavra-right', ['unknown-inherits']],
        ],
      );
    });

    it("re-lints an open child after an edit inside its parent's list (an incremental edit), and its hover shows the parent's new counts", async () => {
      client = await LspClient.start({ workspace: ws.root });
      const base = client.uriOf(packPath('cavra-base'));
      const app = client.uriOf(packPath('cavra-app'));
      await client.open(base, fixtureText('cavra-base'));
      await client.open(app, fixtureText('cavra-app'));
      await client.diagnostics(app, 1);
      const inherits = { line: 5, character: 14 };
      assert.match(hoverText(await client.hover(app, inherits)), /1 rule: commands 1/);
      const seen = client.published.length;
      // A new entry after `- "rm -rf /"` (line 7): applied to the parent's tree in place, not re-read.
      await client.change(base, [
        { range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, text: '    - "curl | sh"\n' },
      ]);
      await client.diagnostics(base, 2);
      const again = await client.publishedFor(app, (p) => client!.published.indexOf(p) >= seen, 'the app re-published');
      assert.equal(again.version, 1, 'the child was not edited');
      assert.match(hoverText(await client.hover(app, inherits)), /2 rules: commands 2/);
    });

    it("publishes the edited parent's diagnostics before re-linting any of its 30 open children", async () => {
      // The order on the wire. (How soon the parent's answer leaves is the bench's: with 135 large open
      // children, see test/bench/measure/workspaceScale.ts, it once waited seconds behind their re-lint.)
      const children = Array.from({ length: 30 }, (_, i) => `cavra-kid-${i}`);
      const files: Record<string, string> = {
        [packPath('cavra-hub')]:
          'metadata:\n  id: cavra-hub\n  title: Hub\n  description: Inherited by many.\ncommands:\n  block:\n    - "git push*"\n',
      };
      for (const id of children)
        files[packPath(id)] =
          `metadata:\n  id: ${id}\n  title: Kid\n  description: A child.\n  inherits: cavra-hub\ncommands:\n  allow:\n    - "git push origin ${id}"\n`;
      ws.remove();
      ws = tempWorkspace(files);
      client = await LspClient.start({ workspace: ws.root });
      // The hub first: children opened after it read it at once (no re-lint of theirs is still on the way).
      const hub = client.uriOf(packPath('cavra-hub'));
      await client.open(hub, files[packPath('cavra-hub')]);
      await client.diagnostics(hub, 1);
      for (const id of children) await client.open(client.uriOf(packPath(id)), files[packPath(id)]);
      for (const id of children) await client.publication(client.uriOf(packPath(id)), 1);
      // Quiet first (bounded): what the opens set off is not the edit's.
      for (let quiet = 0, n = -1, tries = 0; quiet < 3 && tries < 100; tries++) {
        quiet = client.published.length === n ? quiet + 1 : 0;
        n = client.published.length;
        await new Promise((r) => setTimeout(r, 100));
      }
      const seen = client.published.length;
      await client.change(hub, files[packPath('cavra-hub')].replace('"git push*"', '"git pus*"'));
      await client.diagnostics(hub, 2);
      const last = client.uriOf(packPath(children.at(-1)!));
      await client.publishedFor(last, (p) => client!.published.indexOf(p) >= seen, 'the last child re-linted');
      const after = client.published.slice(seen);
      const hubAt = after.findIndex((p) => p.uri === hub && p.version === 2);
      const firstChildAt = after.findIndex((p) => p.uri !== hub && p.version === 1);
      assert.ok(hubAt >= 0 && firstChildAt >= 0, `both published: ${after.map((p) => p.uri.split('/').at(-2)).join(', ')}`);
      assert.ok(
        hubAt < firstChildAt,
        `the hub first, at ${hubAt}; a child came at ${firstChildAt}: ${after
          .slice(0, 5)
          .map((p) => `${p.uri.split('/').at(-2)}@${p.version}`)
          .join(', ')}`,
      );
    });

    it('publishes an opened pack once, and each open child once per edit of its parent', async () => {
      // TextDocuments announces every open as a content change too; validating that again sent each
      // opened pack's diagnostics twice (issue 14: 135 packs opened, 135 needless large messages).
      client = await LspClient.start({ workspace: ws.root });
      const parent = client.uriOf(packPath('cavra-base'));
      const child = client.uriOf(packPath('cavra-app'));
      await client.open(parent, fixtureText('cavra-base'));
      await client.diagnostics(parent, 1);
      await client.open(child, fixtureText('cavra-app'));
      await client.diagnostics(child, 1);
      const quiet = async () => {
        for (let still = 0, n = -1, tries = 0; still < 5 && tries < 100; tries++) {
          still = client!.published.length === n ? still + 1 : 0;
          n = client!.published.length;
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await quiet();
      const count = (uri: string, from = 0) => client!.published.slice(from).filter((p) => p.uri === uri).length;
      assert.equal(count(parent), 1, 'the parent, published once at its open');
      assert.equal(count(child), 1, 'the child, published once at its open');
      const seen = client.published.length;
      await client.change(parent, fixtureText('cavra-base').replace('version: "1.0.0"', 'version: "2.0.0"'));
      await client.diagnostics(parent, 2);
      await client.publishedFor(child, (p) => client!.published.indexOf(p) >= seen, 'the child re-linted');
      await quiet();
      assert.equal(count(parent, seen), 1, 'the edited parent, once');
      assert.equal(count(child, seen), 1, 'the open child, re-linted once');
    });

    it('reads a parent saved on disk when the file watcher reports it', async () => {
      client = await LspClient.start({ workspace: ws.root });
      const app = client.uriOf(packPath('cavra-app'));
      await client.open(app, fixtureText('cavra-app'));
      assert.deepEqual(await client.diagnostics(app, 1), []);
      ws.write(packPath('cavra-base'), fixtureText('cavra-base').replace('id: cavra-base', 'id: cavra-base-2'));
      await client.filesChanged([packPath('cavra-base')]);
      const p = await client.publishedFor(app, hasCode('unknown-inherits'), 'the app without its saved parent');
      assert.match(String(p.diagnostics[0].message), /No pack `cavra-base`/);
    });
  });

  describe('every pack under the root, open or not', () => {
    it('pushes the findings of packs nobody opened to a client without pull diagnostics', async () => {
      client = await LspClient.start({ workspace: ws.root });
      assert.equal(client.initializeResult.capabilities.diagnosticProvider, undefined, 'no pull for this client');
      const broken = await client.publishedFor(client.uriOf(packPath('cavra-broken')), hasCode('yaml-syntax'), 'the broken pack');
      assert.equal(broken.version, undefined);
      assert.equal(broken.diagnostics[0].range.start.line, 3);
      await client.publishedFor(client.uriOf(packPath('cavra-orphan')), hasCode('unknown-inherits'), 'the orphan');
    });

    it('answers workspace/diagnostic for every pack, including a broken one nobody opened, then "unchanged" by result id', async () => {
      client = await LspClient.start({ workspace: ws.root, pullDiagnostics: true });
      assert.deepEqual(client.initializeResult.capabilities.diagnosticProvider, {
        identifier: 'cavra',
        interFileDependencies: true,
        workspaceDiagnostics: true,
      });
      const first = await client.workspaceDiagnostics();
      assert.deepEqual(byPack(first.items), {
        'cavra-app': [],
        'cavra-base': [],
        'cavra-bottom': [],
        'cavra-broken': ['yaml-syntax'],
        'cavra-left': [],
        'cavra-org': [],
        'cavra-orphan': ['unknown-inherits'],
        'cavra-right': [],
        'cavra-service': [],
        'cavra-team': [],
        'cavra-top': [],
      });
      assert.ok(first.items.every((i) => i.kind === 'full' && i.resultId && i.version === null));
      const ids = first.items.map((i) => ({ uri: i.uri, value: (i as FullDocumentDiagnosticReport).resultId! }));

      const second = await client.workspaceDiagnostics(ids);
      assert.ok(second.items.length === 11 && second.items.every((i) => i.kind === 'unchanged'), JSON.stringify(second.items));
      assert.deepEqual(
        second.items.map((i) => (i as { resultId: string }).resultId),
        ids.map((i) => i.value),
      );

      // A parent saved on disk: only the packs whose findings changed are reported in full (the
      // orphan's message lists the known packs, which now include cavra-apex).
      ws.write(packPath('cavra-top'), fixtureText('cavra-top').replace('id: cavra-top', 'id: cavra-apex'));
      await client.filesChanged([packPath('cavra-top')]);
      const third = byPack((await client.workspaceDiagnostics(ids)).items);
      assert.deepEqual(
        Object.entries(third).filter(([, v]) => v !== 'unchanged'),
        [
          ['cavra-left', ['unknown-inherits']],
          ['cavra-orphan', ['unknown-inherits']],
          ['cavra-right', ['unknown-inherits']],
          ['cavra-top', ['id-folder-mismatch']],
        ],
      );
    });

    it('streams a large root in parts (partial results), every pack once', async () => {
      for (let i = 0; i < 120; i++) {
        const id = `cavra-gen-${String(i).padStart(3, '0')}`;
        ws.write(packPath(id), fixtureText('cavra-app').replace('id: cavra-app', `id: ${id}`));
      }
      client = await LspClient.start({ workspace: ws.root, pullDiagnostics: true });
      const { parts, final } = await client.workspaceDiagnosticsInParts();
      const all = [...parts.flatMap((p) => p.items), ...final.items];
      assert.ok(parts.length >= 2, `${parts.length} parts`);
      assert.equal(all.length, 131);
      assert.equal(new Set(all.map((i) => i.uri)).size, 131);
    });

    it('reports what `cavra-policy validate` finds in the same files', async () => {
      client = await LspClient.start({ workspace: ws.root, pullDiagnostics: true });
      const served = (await client.workspaceDiagnostics()).items.flatMap((i) =>
        (i as FullDocumentDiagnosticReport).items.map(
          (d) => `${i.uri.split('/').slice(-2, -1)[0]}:${d.range.start.line + 1} ${String(d.code)}`,
        ),
      );
      const files = readdirSync(join(ws.root, 'policies')).map((id) => packPath(id));
      const run = cli(ws.root, ['validate', ...files, '--json']);
      const rows = JSON.parse(run.stdout) as { file: string; line: number; code: string }[];
      assert.deepEqual(served.sort(), rows.map((r) => `${r.file.split('/').slice(-2, -1)[0]}:${r.line} ${r.code}`).sort());
      assert.deepEqual(served.sort(), ['cavra-broken:4 yaml-syntax', 'cavra-orphan:6 unknown-inherits']);
    });

    it("pulls an open child's diagnostics, asks for a refresh when its unsaved parent changes, and says unchanged when nothing did", async () => {
      client = await LspClient.start({ workspace: ws.root, pullDiagnostics: true });
      const app = client.uriOf(packPath('cavra-app'));
      await client.open(app, fixtureText('cavra-app'));
      const first = await client.pullDiagnostics(app);
      assert.equal(first.kind, 'full');
      assert.deepEqual((first as FullDocumentDiagnosticReport).items, []);
      const resultId = (first as FullDocumentDiagnosticReport).resultId!;
      assert.deepEqual(await client.pullDiagnostics(app, resultId), { kind: 'unchanged', resultId });
      assert.equal(
        client.published.filter((p) => p.uri === app).length,
        0,
        'a pulling client gets no pushed diagnostics for an open document',
      );

      const base = client.uriOf(packPath('cavra-base'));
      const refreshes = client.refreshes;
      await client.open(base, fixtureText('cavra-base').replace('id: cavra-base', 'id: cavra-base-renamed'));
      await client.pullDiagnostics(base);
      await client.refreshed(refreshes);
      const after = await client.pullDiagnostics(app, resultId);
      assert.equal(after.kind, 'full');
      assert.deepEqual(codes((after as FullDocumentDiagnosticReport).items), ['unknown-inherits']);
    });

    it('reports nothing for packs that are not open when cavra.diagnostics.workspace is off', async () => {
      client = await LspClient.start({
        workspace: ws.root,
        pullDiagnostics: true,
        settings: { diagnostics: { workspace: false } },
      });
      assert.deepEqual((await client.workspaceDiagnostics()).items, []);
      // An open document is still checked.
      const orphan = client.uriOf(packPath('cavra-orphan'));
      await client.open(orphan, fixtureText('cavra-orphan'));
      assert.deepEqual(codes(((await client.pullDiagnostics(orphan)) as FullDocumentDiagnosticReport).items), [
        'unknown-inherits',
      ]);
    });

    it('clears the pushed findings of packs that are not open when the setting is turned off', async () => {
      client = await LspClient.start({ workspace: ws.root });
      const broken = client.uriOf(packPath('cavra-broken'));
      await client.publishedFor(broken, hasCode('yaml-syntax'), 'the broken pack');
      await client.changeSettings({ diagnostics: { workspace: false } });
      await client.publishedFor(broken, (p) => p.diagnostics.length === 0, 'the broken pack cleared');
    });
  });
});
