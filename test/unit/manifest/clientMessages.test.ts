// Localizable messages: every notification the client shows (showInformationMessage, showWarningMessage,
// showErrorMessage) and the title, prompt and placeHolder of its pickers and input boxes pass their
// English text through vscode.l10n.t, so a translation bundle can replace it. Read with the TypeScript compiler's parser, not regexes: a literal split over lines, inside a
// conditional or a template is still found, and a call inside vscode.l10n.t is not.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../../lsp/repoRoot';

const SHOW = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage']);
/** Pickers and input boxes: their options' title, prompt and placeHolder are read by the user too. */
const ASK = new Set(['showQuickPick', 'showInputBox']);
const ASK_TEXTS = new Set(['title', 'prompt', 'placeHolder']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** An English literal that reaches the user as is: a string or template literal, or one in a branch of `?:`, `||`, `??`. */
function bareLiteral(node: ts.Expression): ts.Node | undefined {
  if (ts.isParenthesizedExpression(node)) return bareLiteral(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) return node;
  if (ts.isConditionalExpression(node)) return bareLiteral(node.whenTrue) ?? bareLiteral(node.whenFalse);
  if (
    ts.isBinaryExpression(node) &&
    [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)
  )
    return bareLiteral(node.left) ?? bareLiteral(node.right);
  return undefined;
}

/**
 * `file:line: text` for each notification whose message, and each picker or input box whose title,
 * prompt or placeHolder, is an English literal not wrapped in vscode.l10n.t.
 */
export function unlocalizedMessages(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (literal: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(literal.getStart(source));
    found.push(`${file}:${line + 1}: ${what}(${literal.getText(source).slice(0, 60)})`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ASK.has(node.expression.name.text)) {
      for (const options of node.arguments.filter(ts.isObjectLiteralExpression))
        for (const p of options.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name) || !ASK_TEXTS.has(p.name.text)) continue;
          const literal = bareLiteral(p.initializer);
          if (literal) report(literal, `${node.expression.name.text} ${p.name.text}`);
        }
    }
    // The language client's name titles its output channel and its own error notifications.
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'LanguageClient') {
      const literal = node.arguments?.[1] && bareLiteral(node.arguments[1]);
      if (literal) report(literal, 'LanguageClient name');
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      SHOW.has(node.expression.name.text) &&
      node.arguments.length
    ) {
      const literal = bareLiteral(node.arguments[0]);
      if (literal) report(literal, node.expression.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// What a report webview shows. The renderers (client/src/webview/render/) build their pages with the
// `html` tag; the rule the scanner holds them to, so a translator sees every word:
// - the literal text of an html`` template, outside its tags, holds no letter (markup, `·`, `→`, `—` only),
//   nor does a title, alt, aria-label or placeholder attribute written in it;
// - in render/, a string with a letter is the message of vscode.l10n.t, or a code, not text: compared
//   against (`kind === 'added'`), a case label, a module name, a value put inside a tag (a CSS class),
//   the locale of toLocaleString, or a literal whose expected type lists the values allowed (a union of
//   string literals, e.g. a badge's class): a sentence is typed `string`.
// The last needs the checker, so these files are read as one TypeScript program.

const WEBVIEW = 'client/src/webview/';
const RENDER = 'client/src/webview/render/';
/** Attributes the user reads (a tooltip, an image's text, a screen reader's label, an input's hint). */
const VISIBLE_ATTRIBUTES = new Set(['title', 'alt', 'aria-label', 'placeholder']);
const LETTER = /\p{L}/u;
const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

const isL10nCall = (node: ts.Node): node is ts.CallExpression =>
  ts.isCallExpression(node) && /(^|\.)l10n\.t$/.test(node.expression.getText());

/** The literal text of a string or template literal, `${…}` left out. */
function literalText(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression): string {
  return ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ') : node.text;
}

/** Every literal a value can be, through `?:`, `||`, `??` and parentheses. */
function literalsOf(node: ts.Expression): ts.Node[] {
  if (ts.isParenthesizedExpression(node)) return literalsOf(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) return [node];
  if (ts.isConditionalExpression(node)) return [...literalsOf(node.whenTrue), ...literalsOf(node.whenFalse)];
  if (
    ts.isBinaryExpression(node) &&
    [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)
  )
    return [...literalsOf(node.left), ...literalsOf(node.right)];
  return [];
}

/** A string type that lists its values: a string literal type, or a union of them. */
function isCodeType(type: ts.Type | undefined): boolean {
  if (!type) return false;
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((t) => t.isStringLiteral());
}

/** Where a literal is a code rather than text (see the rule above), judged by its place in the syntax. */
function isCodePlace(node: ts.Node): boolean {
  const parent = node.parent;
  return (
    ts.isImportDeclaration(parent) ||
    ts.isExportDeclaration(parent) ||
    ts.isLiteralTypeNode(parent) ||
    ts.isCaseClause(parent) ||
    (ts.isBinaryExpression(parent) && COMPARISONS.has(parent.operatorToken.kind)) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isElementAccessExpression(parent) && parent.argumentExpression === node) ||
    (ts.isCallExpression(parent) &&
      ts.isPropertyAccessExpression(parent.expression) &&
      parent.expression.name.text === 'toLocaleString')
  );
}

/**
 * `file:line: what(text)` for each word a webview would show without vscode.l10n.t in `file` (relative
 * to the repository root, a source file of `program`).
 */
export function unlocalizedWebviewText(program: ts.Program, file: string): string[] {
  const source = program.getSourceFile(join(repoRoot, file));
  if (!source) throw new Error(`${file} is not part of the program`);
  const checker = program.getTypeChecker();
  const inRender = file.startsWith(RENDER);
  const found: string[] = [];
  const codes = new Set<ts.Node>();
  const report = (node: ts.Node, what: string, text = node.getText(source)) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${file}:${line + 1}: ${what}(${text.replace(/\s+/g, ' ').trim().slice(0, 60)})`);
  };

  const checkHtml = (node: ts.TaggedTemplateExpression) => {
    const t = node.template;
    const parts = ts.isNoSubstitutionTemplateLiteral(t) ? [t.text] : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)];
    // A substitution is marked \u0001 so that a tag cut by one (`<td class="${c}">`) still reads as a tag.
    const joined = parts.join('\u0001');
    for (const [, name, value] of joined.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g))
      if (VISIBLE_ATTRIBUTES.has(name) && LETTER.test(value.replace(/\u0001/g, ''))) report(node, `html ${name}`, value);
    // A <code> span is a name (a setting, a path), not translated.
    const text = joined
      .replace(/<code>[^<]*<\/code>/g, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<[^>]*>/g, '')
      .replace(/&#?\w+;/g, '')
      .replace(/\u0001/g, ' ');
    if (LETTER.test(text)) report(node, 'html', text);
    if (ts.isTemplateExpression(t))
      t.templateSpans.forEach((span, i) => {
        const before = parts.slice(0, i + 1).join('\u0001');
        const inTag = before.lastIndexOf('<') > before.lastIndexOf('>');
        const attribute = /([\w-]+)\s*=\s*"[^"]*$/.exec(before.slice(before.lastIndexOf('<')))?.[1];
        // A value inside a tag is a class or an id, unless the attribute is one the user reads.
        if (inTag && !(attribute && VISIBLE_ATTRIBUTES.has(attribute))) for (const l of literalsOf(span.expression)) codes.add(l);
      });
  };

  const visit = (node: ts.Node): void => {
    if (isL10nCall(node)) {
      // The message is what a translator translates; its arguments are values, read like any other.
      node.arguments.slice(1).forEach(visit);
      return;
    }
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText(source) === 'html') {
      checkHtml(node);
      if (ts.isTemplateExpression(node.template)) node.template.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    if (
      inRender &&
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) &&
      LETTER.test(literalText(node)) &&
      !codes.has(node) &&
      !isCodePlace(node) &&
      !isCodeType(checker.getContextualType(node as ts.Expression))
    )
      report(node, 'text');
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The client's TypeScript program over `files` (absolute), with one file's text replaced when asked. */
function webviewProgram(files: string[], replaced?: { file: string; text: string }): ts.Program {
  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  const host = ts.createCompilerHost(options, true);
  // This test is bundled with the compiler, whose own folder then holds no lib.*.d.ts (`Record` would be unknown).
  const lib = join(repoRoot, 'node_modules', 'typescript', 'lib');
  host.getDefaultLibLocation = () => lib;
  host.getDefaultLibFileName = (o) => join(lib, ts.getDefaultLibFileName(o));
  if (replaced) {
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (f) => f === replaced.file || fileExists(f);
    host.getSourceFile = (f, language, ...rest) =>
      f === replaced.file ? ts.createSourceFile(f, replaced.text, language, true) : getSourceFile(f, language, ...rest);
  }
  return ts.createProgram({ rootNames: files, options, host });
}

describe('client: what the report webviews show goes through vscode.l10n.t', () => {
  it('finds English outside vscode.l10n.t in a planted renderer, and passes markup, codes and wrapped text', () => {
    const file = `${RENDER}planted.ts`;
    const text = [
      "import * as vscode from 'vscode';",
      "import { html, htmlSentence } from '../html';",
      "type Kind = 'added' | 'removed';",
      'const kindOf = (k: Kind) => k;',
      'export const a = (n: number, ok: boolean, k: string) => [',
      '  html`<h2>Operator notes</h2>`,',
      "  html`<p class=\"${ok ? 'good' : 'bad'}\">${ok ? 'Fine' : vscode.l10n.t('Not fine: {0}', n)}</p>`,",
      '  html`<span title="Open the log">${n}</span>`,',
      "  html`<td>${n} · ${k === 'added' ? '→' : '—'}</td>`,",
      "  kindOf('removed'),",
      '  `${n} packs`,',
      "  html`<p>${htmlSentence(vscode.l10n.t('Set {0} to a log.'), html`<code>x</code>`)}</p>`,",
      "  n.toLocaleString('en-US'),",
      "  vscode.l10n.t('{0} of {1}', n, 'all'),",
      "  ((rows: [string, unknown][]) => rows)([['policy digest', n]]),",
      '];',
    ].join('\n');
    const program = webviewProgram([join(repoRoot, file)], { file: join(repoRoot, file), text });
    assert.deepEqual(
      unlocalizedWebviewText(program, file).map((f) => f.split(': ').slice(0, 2).join(': ')),
      [
        `${file}:6: html(Operator notes)`,
        `${file}:7: text('Fine')`,
        `${file}:8: html title(Open the log)`,
        `${file}:11: text(\`\${n} packs\`)`,
        `${file}:14: text('all')`,
        `${file}:15: text('policy digest')`,
      ],
    );
  });

  it('every webview file shows only text that went through vscode.l10n.t', () => {
    const files = tsFiles(join(repoRoot, 'client', 'src', 'webview'));
    const program = webviewProgram(files);
    const found = files
      .map((f) => relative(repoRoot, f).split('\\').join('/'))
      .filter((f) => f.startsWith(WEBVIEW))
      .flatMap((f) => unlocalizedWebviewText(program, f));
    assert.deepEqual(found, []);
  });
});

describe('client: notifications and prompts go through vscode.l10n.t', () => {
  it('finds a bare literal, a template, a literal in a conditional and a bare client name, and passes a wrapped one', () => {
    const text = [
      "void vscode.window.showInformationMessage('Done.');",
      'void vscode.window.showErrorMessage(`Failed: ${x}`);',
      "void vscode.window.showWarningMessage(ok ? vscode.l10n.t('Fine.') : 'Not fine.');",
      "void vscode.window.showInformationMessage(vscode.l10n.t('Done {0}.', n));",
      'void vscode.window.showErrorMessage(e.message);',
      "void vscode.window.showQuickPick(items, { title: 'Which?', placeHolder: vscode.l10n.t('Pick one') });",
      "void vscode.window.showInputBox({ title: vscode.l10n.t('Name'), prompt: n ? `A ${n}` : undefined, value: 'x' });",
      "client = new LanguageClient('cavraPolicy', 'A Language Server', options, worker);",
      "client = new LanguageClient('cavraPolicy', vscode.l10n.t('A Language Server'), options, worker);",
    ].join('\n');
    assert.deepEqual(
      unlocalizedMessages('x.ts', text).map((f) => f.split(': ')[0]),
      ['x.ts:1', 'x.ts:2', 'x.ts:3', 'x.ts:6', 'x.ts:7', 'x.ts:8'],
    );
  });

  it('every client notification and prompt is wrapped, the browser entry point included', () => {
    const found = tsFiles(join(repoRoot, 'client', 'src'))
      .map((f) => relative(repoRoot, f).split('\\').join('/'))
      .flatMap((f) => unlocalizedMessages(f, readFileSync(join(repoRoot, f), 'utf8')));
    assert.deepEqual(found, []);
  });
});
