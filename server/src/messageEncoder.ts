// How the stdio transport writes a message's JSON (every client but VS Code, which talks to the server over
// IPC, where Node serializes). A message that carries an open document's findings (a `publishDiagnostics`
// notification with a version, a full `textDocument/diagnostic` answer) is written piece by piece: each
// finding's JSON is made once and written again for as long as the finding lives. LSP sends a document's
// whole list on every change, and the analysis hands the findings an edit did not touch out again as the
// same objects (lint/shadowedRules.ts), which ResultIds (workspaceDiagnostics.ts) already takes as "the
// same finding". At 100k rules with 3,300 findings (1 MB of JSON) JSON.stringify and its copy into a buffer
// cost 10-16 ms per keystroke on the bench machine, most of it in fresh large strings; pieces written into
// one buffer, 2 ms.
import type { ContentTypeEncoderOptions, Diagnostic, Message } from 'vscode-languageserver/node';

/**
 * A message that carries findings: its list, and the message with that list empty (the same keys in the
 * same order), whose JSON is written around the list.
 */
function withFindings(msg: Message): { list: Diagnostic[]; key: string; outline: unknown } | undefined {
  const m = msg as { method?: unknown; params?: unknown; result?: unknown };
  const params = m.params as { diagnostics?: unknown; version?: unknown } | undefined;
  // An open document's publication has its version; one without is of a pack that is not open (the
  // workspace's findings, tens of thousands on a large root): written once, nothing of it kept.
  if (
    m.method === 'textDocument/publishDiagnostics' &&
    params &&
    params.version !== undefined &&
    Array.isArray(params.diagnostics)
  )
    return {
      list: params.diagnostics as Diagnostic[],
      key: 'diagnostics',
      outline: { ...m, params: { ...params, diagnostics: [] } },
    };
  const result = m.result as { kind?: unknown; items?: unknown; relatedDocuments?: unknown } | null | undefined;
  // A full document report; one with related documents holds more reports and is written whole.
  if (result && result.kind === 'full' && Array.isArray(result.items) && result.relatedDocuments === undefined)
    return { list: result.items as Diagnostic[], key: 'items', outline: { ...m, result: { ...result, items: [] } } };
  return undefined;
}

export class FindingsEncoder {
  readonly name = 'application/json';
  private readonly json = new WeakMap<Diagnostic, string>();
  /** Findings stringified so far (counted work: the others were written from their kept JSON). */
  made = 0;

  encode(msg: Message, options: ContentTypeEncoderOptions): Promise<Uint8Array> {
    const charset = options.charset === 'ascii' ? 'ascii' : 'utf8';
    return Promise.resolve(this.bytes(msg, charset));
  }

  private bytes(msg: Message, charset: 'utf8' | 'ascii'): Buffer {
    const found = withFindings(msg);
    if (!found || found.list.length === 0) return Buffer.from(JSON.stringify(msg), charset);
    // Split where the list goes: the outline's only `"key":[]` (its other values are a URI, a version, a
    // result id: a string holding those characters would have its quotes escaped).
    const { list, key } = found;
    const outline = JSON.stringify(found.outline);
    const marker = `"${key}":[]`;
    const markerAt = outline.indexOf(marker);
    if (markerAt < 0 || outline.indexOf(marker, markerAt + 1) >= 0) return Buffer.from(JSON.stringify(msg), charset);
    const at = markerAt + marker.length - 1;
    const head = outline.slice(0, at);
    const tail = outline.slice(at);
    const pieces = list.map((d) => this.jsonOf(d));
    let size = Buffer.byteLength(head, charset) + Buffer.byteLength(tail, charset) + pieces.length - 1;
    for (const p of pieces) size += Buffer.byteLength(p, charset);
    const out = Buffer.allocUnsafe(size);
    let n = out.write(head, 0, charset);
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) out[n++] = 0x2c; // ,
      n += out.write(pieces[i], n, charset);
    }
    n += out.write(tail, n, charset);
    return n === size ? out : out.subarray(0, n);
  }

  /** A finding's JSON, kept while the finding lives: findings are not changed once made (see above). */
  private jsonOf(d: Diagnostic): string {
    let s = this.json.get(d);
    if (s === undefined) {
      s = JSON.stringify(d);
      this.json.set(d, s);
      this.made++;
    }
    return s;
  }
}
