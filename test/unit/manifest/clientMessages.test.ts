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

/**
 * Files not yet converted, relative to the repository root. They were being edited by other work when
 * the rest was converted; each is removed from here once its messages go through vscode.l10n.t.
 */
const NOT_YET_LOCALIZED = new Set<string>([]);
/** Directories not yet converted (same reason as NOT_YET_LOCALIZED). */
const NOT_YET_LOCALIZED_DIRS = ['client/src/webview/'];
/** The browser entry points are being written at the same time (same reason). */
const notYetLocalized = (file: string) =>
  NOT_YET_LOCALIZED.has(file) ||
  NOT_YET_LOCALIZED_DIRS.some((d) => file.startsWith(d)) ||
  /^browser/.test(file.split('/').pop() ?? '');

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

describe('client: notifications and prompts go through vscode.l10n.t', () => {
  it('finds a bare literal, a template and a literal in a conditional, and passes a wrapped one', () => {
    const text = [
      "void vscode.window.showInformationMessage('Done.');",
      'void vscode.window.showErrorMessage(`Failed: ${x}`);',
      "void vscode.window.showWarningMessage(ok ? vscode.l10n.t('Fine.') : 'Not fine.');",
      "void vscode.window.showInformationMessage(vscode.l10n.t('Done {0}.', n));",
      'void vscode.window.showErrorMessage(e.message);',
      "void vscode.window.showQuickPick(items, { title: 'Which?', placeHolder: vscode.l10n.t('Pick one') });",
      "void vscode.window.showInputBox({ title: vscode.l10n.t('Name'), prompt: n ? `A ${n}` : undefined, value: 'x' });",
    ].join('\n');
    assert.deepEqual(
      unlocalizedMessages('x.ts', text).map((f) => f.split(': ')[0]),
      ['x.ts:1', 'x.ts:2', 'x.ts:3', 'x.ts:6', 'x.ts:7'],
    );
  });

  it('every client notification and prompt outside the not-yet-converted files is wrapped', () => {
    const found = tsFiles(join(repoRoot, 'client', 'src'))
      .map((f) => relative(repoRoot, f).split('\\').join('/'))
      .filter((f) => !notYetLocalized(f))
      .flatMap((f) => unlocalizedMessages(f, readFileSync(join(repoRoot, f), 'utf8')));
    assert.deepEqual(found, []);
  });
});
