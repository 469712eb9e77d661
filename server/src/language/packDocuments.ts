// The pack files that navigation reads besides the one being asked about: a parent's `metadata.id`,
// the children's `inherits` entries, every pack's rule lists for workspace symbols. An open document
// is read as the editor holds it; a file on disk is read once per file stamp (size, mtime, inode), so
// repeated requests over an unchanged policy root read nothing again.
import { pathToFileURL } from 'node:url';
import { packFiles } from './packFiles';
import { PolicyDocument } from './parse/policyDocument';

export interface PackDocuments {
  /** The file's document (open text, else disk), or undefined when it cannot be read. */
  document(file: string): PolicyDocument | undefined;
  /** The open document's version, or null when the file is read from disk (a WorkspaceEdit's version). */
  openVersion(file: string): number | null;
}

export type OpenDocumentOf = (file: string) => PolicyDocument | undefined;

export class DiskPackDocuments implements PackDocuments {
  private read = new Map<string, { stamp: string; doc: PolicyDocument }>();

  /** `open` answers the editor's copy of a file when it is open. */
  constructor(private readonly open: OpenDocumentOf = () => undefined) {}

  document(file: string): PolicyDocument | undefined {
    const open = this.open(file);
    if (open) return open;
    const files = packFiles();
    const stamp = files.stamp(file);
    if (stamp === undefined) {
      // Gone (a pack renamed or deleted), or not a file: keep nothing of it.
      this.read.delete(file);
      return undefined;
    }
    const earlier = this.read.get(file);
    if (earlier?.stamp === stamp) return earlier.doc;
    try {
      const doc = new PolicyDocument(pathToFileURL(file).href, 0, files.readText(file));
      this.read.set(file, { stamp, doc });
      return doc;
    } catch {
      return undefined;
    }
  }

  openVersion(file: string): number | null {
    return this.open(file)?.version ?? null;
  }
}
