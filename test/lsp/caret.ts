// `|` marks the cursor in test text: caret('a: |') gives the text without the bar and its position.
import type { Position } from 'vscode-languageserver-protocol';

export function caret(marked: string, marker = '|'): { text: string; position: Position } {
  const at = marked.indexOf(marker);
  if (at < 0) throw new Error(`No ${marker} caret in the text`);
  if (marked.indexOf(marker, at + 1) >= 0) throw new Error(`More than one ${marker} caret in the text`);
  const before = marked.slice(0, at);
  const lines = before.split(/\r\n|\r|\n/);
  return {
    text: before + marked.slice(at + marker.length),
    position: { line: lines.length - 1, character: lines[lines.length - 1].length },
  };
}
