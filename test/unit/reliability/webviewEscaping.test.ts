// Hostile values reach every webview as text. The renderers are fed real backend answers (a draft, a
// publish plan, a publish result, a rollout plan and its applied result) in which every string, and
// every key of rule_counts, is replaced by HTML, script, attribute break-outs and markdown. The
// property: the page's structure (its tags and their attribute names) is exactly the one a benign
// answer gives, and every hostile value shows up escaped. The page itself: CSP `default-src 'none'`,
// scripts only with the per-render nonce, no inline handlers, no 'unsafe-inline'.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { escapeHtml, html, Html, newNonce, page } from '../../../client/src/webview/html';
import { renderDraftPreview } from '../../../client/src/webview/render/draftPreview';
import { renderPublishPlan } from '../../../client/src/webview/render/publishPlan';
import { renderPublishResult } from '../../../client/src/webview/render/publishResult';
import { renderRolloutPlan } from '../../../client/src/webview/render/rolloutPlan';
import type {
  PolicyPackDraft,
  PublishPlan,
  PublishResult,
  RolloutChangePlan,
  RolloutChangeResult,
} from '../../../server/src/backend/backend';
import { RECORDED_DRAFT, workspace, type Workspace } from '../backend/backendFixtures';
import { analyze, languageFeatures } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { Figures } from './support/figures';

export const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</td></tr></table><script>x()</script>',
  '</pre><iframe src="javascript:alert(1)">',
  '<!--',
  ']]>',
  '&lt;already&gt;',
  '&amp;',
  '<svg/onload=alert(1)>',
  '`${alert(1)}`',
  '[click](command:cavra.publishSigned)',
  '![pixel](https://attacker.example/p.png)',
  '</style><style>*{display:none}</style>',
  '<meta http-equiv="refresh" content="0;url=https://attacker.example">',
  '\u2028\u2029',
  '\u0000',
  '<base href="https://attacker.example/">',
];

const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
  fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '&', '/', '=', ' ', 'a', ';', '`'), maxLength: 24 }),
  fc.string({ maxLength: 12 }),
);

/** The value with every string (and every key of `rule_counts`) replaced by `next()`. */
function poison<T>(value: T, next: () => string, parentKey = ''): T {
  if (typeof value === 'string') return next() as T;
  if (Array.isArray(value)) return value.map((v) => poison(v, next)) as T;
  if (value && typeof value === 'object') {
    // Keys stay distinct (a JSON object cannot repeat one), so the number of columns does not change.
    return Object.fromEntries(
      Object.entries(value).map(([k, v], i) => [parentKey === 'rule_counts' ? `${next()}${i}` : k, poison(v, next, k)]),
    ) as T;
  }
  return value;
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+="[^"]*")*)\s*(\/?)>/g;

/** The page's structure: tags in order with their attribute names (values aside). */
function skeleton(markup: string): string[] {
  const out: string[] = [];
  for (const m of markup.matchAll(TAG))
    out.push(`${m[1]}${m[2]}(${[...m[3].matchAll(/\s+([a-zA-Z-]+)="[^"]*"/g)].map((a) => a[1]).join(',')})`);
  return out;
}

/** The markup outside tags and attribute values must not hold a raw `<` or `>`; attributes no raw quote. */
function assertNoStrayMarkup(markup: string): void {
  const text = markup.replace(TAG, '');
  assert.ok(
    !/[<>]/.test(text),
    `a raw < or > outside the template's tags: ${JSON.stringify(text.match(/.{0,30}[<>].{0,30}/)?.[0])}`,
  );
}

interface Answers {
  draft: PolicyPackDraft;
  plan: PublishPlan;
  result: PublishResult;
  rollout: RolloutChangePlan;
  applied: RolloutChangeResult;
}

const renderers: [string, (a: Answers, s: string) => Html][] = [
  ['draft preview', (a, s) => renderDraftPreview(a.draft, s, s)],
  ['publish plan', (a, s) => renderPublishPlan(a.plan, s)],
  ['publish result', (a, s) => renderPublishResult(a.result, s)],
  ['rollout plan', (a, s) => renderRolloutPlan(a.rollout, s)],
  ['applied rollout', (a, s) => renderRolloutPlan(a.applied.plan, s, a.applied)],
];

describe('reliability: hostile values in webviews', () => {
  const figures = new Figures('Hostile values in views (webviews)', 'test/unit/reliability/webviewEscaping.test.ts');
  let ws: Workspace;
  let answers: Answers;
  before(async () => {
    ws = workspace();
    const b = ws.backend;
    const draft = { ...RECORDED_DRAFT, filesystem: { block_read: ['.env'] } };
    const first = await b.publishRequest({ draft: RECORDED_DRAFT });
    await b.approve(first.approval.approval_id, { actor: 'a', reason: 'r', external_ref: 'INC-1' });
    await b.publish({ draft: RECORDED_DRAFT, approval_id: first.approval.approval_id });
    const second = await b.publishRequest({ draft });
    await b.approve(second.approval.approval_id, { actor: 'a', reason: 'r' });
    const change = {
      repository: 'payments/api',
      policy_pack: 'cavra-platform-baseline',
      mode: 'strict',
      state: 'active',
      coverage_percent: 95,
    };
    await b.rolloutApplyChange({ ...change, mode: 'audit_only' });
    answers = {
      draft: await b.draft({
        draft: { ...draft, git: { require_pull_request: 'maybe' }, mcp: { risk_scoring: { github: 'extreme' } } },
      }),
      plan: await b.publishPlan({ draft }),
      result: await b.publish({ draft, approval_id: second.approval.approval_id }),
      rollout: await b.rolloutChangePlan({ ...change, rollout_id: 'payments/api:cavra-platform-baseline' }),
      applied: await b.rolloutApplyChange({ ...change, rollout_id: 'payments/api:cavra-platform-baseline' }),
    };
    assert.deepEqual(
      [answers.plan.diff.added.length > 0, answers.draft.errors.length > 0, answers.rollout.changes.length > 0],
      [true, true, true],
      'the answers exercise every list the renderers show',
    );
  });
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => {
    ws.cleanup();
    figures.save();
  });

  it('escapeHtml leaves no markup character and round-trips any string', () => {
    const unescape = (s: string) =>
      s
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeHtml(s);
        return !/[<>"']/.test(e) && unescape(e) === s;
      }),
      { numRuns: 2000 },
    );
    assert.equal(escapeHtml(null), '');
    assert.equal(
      html`<p>${['<a>', html`<b>${'<c>'}</b>`, null, undefined, false, 0]}</p>`.value,
      '<p>&lt;a&gt;<b>&lt;c&gt;</b>0</p>',
    );
  });

  for (const [name, render] of renderers) {
    it(`${name}: every string of a real answer replaced by hostile text changes no tag and shows escaped`, () => {
      const benign = skeleton(
        render(
          poison(answers, () => 'x'),
          'x',
        ).value,
      );
      let cases = 0;
      fc.assert(
        fc.property(fc.array(hostile, { minLength: 1, maxLength: 40 }), (pool) => {
          cases++;
          let i = 0;
          const next = () => pool[i++ % pool.length];
          const markup = render(poison(answers, next), next()).value;
          assert.deepEqual(skeleton(markup), benign);
          assertNoStrayMarkup(markup);
          for (const p of pool)
            if (PAYLOADS.includes(p) && /[<>"]/.test(p) && markup.includes(p))
              assert.fail(`raw ${JSON.stringify(p)} in the page`);
        }),
        { numRuns: 300 },
      );
      figures.add({
        what: `${name} renderer`,
        count: cases,
        unit: 'real answers with every string and rule_counts key hostile (HTML, script, attribute break-outs, markdown)',
        outcome: 'page structure unchanged, every value escaped',
      });
    });
  }

  it("the page: CSP default-src 'none', a nonce on every script, no inline handlers, the title escaped", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
    assert.equal(nonces.size, 1000, 'a nonce per render');
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
    const title = 'Publish plan: </title><script>alert(1)</script>';
    const body = renderPublishPlan(
      poison(answers.plan, () => PAYLOADS[0]),
      PAYLOADS[1],
    );
    const markup = page({
      title,
      body,
      cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
      styleUri: 'https://file+.vscode-resource.vscode-cdn.net/media/webview.css',
      script: 'const vscode = acquireVsCodeApi();',
    });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(markup)?.[1].replace(/&#39;/g, "'");
    assert.ok(csp, 'a CSP meta tag');
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)]),
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.equal(directives['script-src'].length, 1);
    const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(directives['script-src'][0])?.[1];
    assert.ok(nonce, `script-src is only a nonce: ${directives['script-src']}`);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
    const scripts = [...markup.matchAll(/<script\b([^>]*)>/g)];
    assert.equal(scripts.length, 1);
    for (const s of scripts) assert.equal(s[1], ` nonce="${nonce}"`);
    assert.deepEqual(
      skeleton(markup).filter((t) => /[(,]on[a-z]+/i.test(t)),
      [],
      'no inline event handler attribute',
    );
    assertNoStrayMarkup(markup.replace(/<!DOCTYPE html>/, ''));
    assert.match(markup, /<title>Publish plan: &lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.equal(
      markup.indexOf('<meta http-equiv="Content-Security-Policy"') < markup.indexOf('<link'),
      true,
      'the CSP comes before anything it governs',
    );
    figures.add({
      what: 'webview page (CSP, nonces)',
      count: 1000,
      unit: 'nonces drawn',
      outcome: "all distinct; default-src 'none'; script-src nonce only; one script, with the nonce",
    });
  });
});

describe('reliability: hostile values in hovers (markdown)', () => {
  const figures = new Figures('Hostile values in views (hover markdown)', 'test/unit/reliability/webviewEscaping.test.ts#hover');
  afterEach(function () {
    figures.failed(this.currentTest);
  });
  after(() => figures.save());
  it("another pack's title and description show as text in an inherits hover, not as links or images", () => {
    const root = mkdtempSync(join(tmpdir(), 'cavra-hover-'));
    try {
      const title = '![pixel](https://attacker.example/p.png) [Publish now](command:cavra.publishSigned)';
      mkdirSync(join(root, 'policies', 'cavra-parent'), { recursive: true });
      writeFileSync(
        join(root, 'policies', 'cavra-parent', 'policy.yaml'),
        `metadata:\n  id: cavra-parent\n  title: "${title}"\n  description: "<img src=x onerror=alert(1)> **bold**"\n  version: "1"\n`,
      );
      const catalog = new PackCatalog();
      catalog.scan([join(root, 'policies')]);
      const file = join(root, 'policies', 'cavra-child', 'policy.yaml');
      const text = 'metadata:\n  id: cavra-child\n  title: t\n  description: d\n  version: "1"\n  inherits: cavra-parent\n';
      const a = analyze(`file://${file}`, 1, text, { file, catalog });
      const h = languageFeatures.hover(a, { line: 5, character: 14 });
      const value = (h?.contents as { value: string } | undefined)?.value ?? '';
      assert.ok(value.includes('pixel'), `the hover shows the parent's title: ${value}`);
      // A title from a cloned repository must not become an image fetched from its server or a link.
      assert.ok(
        !value.includes('![pixel](https://attacker.example/p.png)'),
        `server/src/language/hover.ts puts the title into markdown unescaped:\n${value}`,
      );
      assert.ok(!value.includes('[Publish now](command:'), value);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
