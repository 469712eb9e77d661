// Runs the protocol-free language service on a text, with a `|` caret when a test needs a position.
import { analyze, type Analysis } from '../../../server/src/language/languageService';
import { PackCatalog } from '../../../server/src/language/packCatalog';
import { caret } from '../../lsp/caret';
import type { Position } from 'vscode-languageserver-types';

export const FILE = '/ws/policies/cavra-example/policy.yaml';

export function analyzeText(text: string, catalog = new PackCatalog()): Analysis {
  if (!catalog.policyRoots.length) catalog.scan(['/ws/policies']);
  return analyze(`file://${FILE}`, 1, text, { file: FILE, catalog });
}

export function analyzeAtCaret(marked: string, catalog?: PackCatalog): { a: Analysis; position: Position } {
  const { text, position } = caret(marked);
  return { a: analyzeText(text, catalog), position };
}

export const HEAD = 'metadata:\n  id: cavra-example\n  title: Example\n  description: An example pack.\n  version: "1.0.0"\n';
