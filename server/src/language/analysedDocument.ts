// The document half of an analysis: the text's tree, where it sits and which packs it can see. What the
// per-entry findings (policyFindings.ts and the lint passes it keeps) read; analysis.ts adds their results.
// Apart from analysis.ts because those findings are part of an Analysis: one file for both would be a circle.
import { basename, dirname } from 'node:path';
import type { PackCatalog } from './packCatalog';
import type { PolicyDocument } from './parse/policyDocument';

export interface AnalysisContext {
  /** Absolute file path of the document, when it has one. */
  file?: string;
  catalog: PackCatalog;
}

export interface AnalysedDocument {
  doc: PolicyDocument;
  context: AnalysisContext;
  /** The pack folder name when the file sits at `<policy root>/<folder>/policy*.yaml`. */
  packFolder?: string;
}

export function packFolderOf(file: string | undefined, catalog: PackCatalog): string | undefined {
  if (!file) return undefined;
  const dir = dirname(file);
  const root = dirname(dir);
  if (catalog.policyRoots.some((r) => r.replace(/[\\/]+$/, '') === root)) return basename(dir);
  return undefined;
}
