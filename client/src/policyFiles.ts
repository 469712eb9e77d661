// Claims CAVRA policy files for the `cavra-policy` language, so no generic YAML schema can hijack them.
// package.json claims the default locations statically; the `cavra.policyFiles` setting and a policy
// root elsewhere (`cavra.policyRoot`, or $CAVRA_POLICY_DIR) widen or narrow that at run time.
import * as vscode from 'vscode';
import { DEFAULT_POLICY_ROOT } from '../../server/src/protocol';
import { policyRootOf, relativeInside } from './policyRoot';

const LANGUAGE_ID = 'cavra-policy';

/** `scope`: the document the patterns are for (`cavra.policyFiles` may differ per workspace folder). */
export function policyPatterns(scope?: vscode.Uri): vscode.GlobPattern[] {
  const config = vscode.workspace.getConfiguration('cavra', scope);
  const patterns: vscode.GlobPattern[] = [...(config.get<string[]>('policyFiles') ?? [])];
  // Without a folder, a relative root is read from the current folder, so it still names `<root>/*`.
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri) ?? [vscode.Uri.file(process.cwd())];
  const globs = new Set<string>();
  for (const folder of folders) {
    const root = policyRootOf(folder);
    const inside = root.scheme === folder.scheme ? relativeInside(folder.fsPath, root.fsPath) : undefined;
    if (inside === DEFAULT_POLICY_ROOT) continue;
    if (inside) globs.add(inside);
    else
      patterns.push(new vscode.RelativePattern(root, '*/policy.yaml'), new vscode.RelativePattern(root, '*/policy.draft.yaml'));
  }
  for (const glob of globs) patterns.push(`**/${glob}/*/policy.yaml`, `**/${glob}/*/policy.draft.yaml`);
  return patterns;
}

function matches(doc: vscode.TextDocument, patterns: vscode.GlobPattern[]): boolean {
  return patterns.some((p) => vscode.languages.match({ pattern: p }, doc) > 0);
}

async function claim(doc: vscode.TextDocument): Promise<void> {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return;
  const patterns = policyPatterns(doc.uri);
  const isPolicy = matches(doc, patterns);
  if (isPolicy && doc.languageId !== LANGUAGE_ID && (doc.languageId === 'yaml' || doc.languageId === 'plaintext')) {
    await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
  } else if (!isPolicy && doc.languageId === LANGUAGE_ID && !isExplicitAssociation(doc)) {
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
  }
}

/** A user's own files.associations entry wins over our patterns. */
function isExplicitAssociation(doc: vscode.TextDocument): boolean {
  const assoc = vscode.workspace.getConfiguration('files').get<Record<string, string>>('associations') ?? {};
  return Object.entries(assoc).some(([glob, lang]) => lang === LANGUAGE_ID && vscode.languages.match({ pattern: glob }, doc) > 0);
}

export function claimPolicyFiles(): vscode.Disposable {
  for (const doc of vscode.workspace.textDocuments) void claim(doc);
  return vscode.Disposable.from(
    vscode.workspace.onDidOpenTextDocument((doc) => void claim(doc)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cavra.policyFiles') || e.affectsConfiguration('cavra.policyRoot')) {
        for (const doc of vscode.workspace.textDocuments) void claim(doc);
      }
    }),
  );
}
