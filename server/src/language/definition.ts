// Go to definition. Each resolver answers for one kind of place in a policy; the first that answers
// wins. An `inherits` entry opens the parent's policy.yaml at its `metadata.id`.
import { pathToFileURL } from 'node:url';
import type { Location, Position } from 'vscode-languageserver-types';
import type { Analysis } from './analysis';
import type { PackDocuments } from './packDocuments';
import { coveringRuleLocation } from './lint/inheritedCover';
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

/** A rule an inherited rule makes dead (or a list the merge makes match everything): the covering rule. */
export function coveringRuleDefinition(a: Analysis, position: Position): Location[] | undefined {
  const covering = coveringRuleLocation(a, position);
  return covering ? [covering] : undefined;
}

/** Tried in order: an `inherits` entry is never a rule, so the two never compete. */
export const DEFINITION_RESOLVERS: DefinitionResolver[] = [inheritsDefinition, coveringRuleDefinition];

export function definition(a: Analysis, position: Position, packs: PackDocuments): Location[] {
  for (const resolve of DEFINITION_RESOLVERS) {
    const found = resolve(a, position, packs);
    if (found) return found;
  }
  return [];
}
