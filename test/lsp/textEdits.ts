// Applies LSP text edits the way an editor does, so tests can check what a quick fix leaves behind.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Command, TextEdit } from 'vscode-languageserver-protocol';

export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);
}

/** The edits a code action makes to one document (its `changes` entry for that uri). */
export function editsOf(action: CodeAction | Command, uri: string): TextEdit[] {
  if (!('edit' in action) || !action.edit?.changes) throw new Error(`Code action "${action.title}" has no workspace edit`);
  const edits = action.edit.changes[uri];
  if (!edits) throw new Error(`Code action "${action.title}" does not edit ${uri}`);
  return edits;
}
