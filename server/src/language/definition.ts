// Go to definition. Each resolver answers for one kind of place in a policy; the first that answers
// wins. An `inherits` entry opens the parent's policy.yaml at its `metadata.id`.
import { pathToFileURL } from 'node:url';
import type { Location, Position } from 'vscode-languageserver-types';
import type { Analysis } from './languageService';
import type { PackDocuments } from './packDocuments';
import { declarationRange, packIdAt } from './packIds';

export type DefinitionResolver = (a: Analysis, position: Position, packs: PackDocuments) => Location[] | undefined;

/** The parent pack an `inherits` entry names. */
export function inheritsDefinition(a: Analysis, position: Position, packs: PackDocuments): Location[] | undefined {
  const mention = packIdAt(a.doc, position);
  if (mention?.role !== 'inherits') return undefined;
  const parent = a.context.catalog.get(mention.id);
  if (!parent) return [];
  const doc = packs.document(parent.file);
  return [{ uri: doc?.uri ?? pathToFileURL(parent.file).href, range: declarationRange(doc) }];
}

/**
 * Tried in order. The covering-rule resolver (a rule an inherited rule covers jumps to the covering
 * rule, issue 13's lint work) goes after this one: an `inherits` entry is never a rule.
 */
export const DEFINITION_RESOLVERS: DefinitionResolver[] = [inheritsDefinition];

export function definition(a: Analysis, position: Position, packs: PackDocuments): Location[] {
  for (const resolve of DEFINITION_RESOLVERS) {
    const found = resolve(a, position, packs);
    if (found) return found;
  }
  return [];
}
