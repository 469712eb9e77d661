// Kept instead of node:crypto: its PEM reader cannot say which line or label is wrong (every fault is
// "DECODER routines::unsupported"), and the key errors here must name the fault and the fix.
// PEM armor as OpenSSL and Python `cryptography` write it: 64-character base64 lines and a
// trailing newline, so the bytes (and thus CAVRA's public_key_sha256) match theirs exactly.

export interface PemBlock {
  label: string;
  der: Uint8Array;
  /** RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED` (legacy OpenSSL encryption). */
  headers: string[];
}

export class PemError extends Error {}

export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads the first PEM block. Text around it is allowed (OpenSSL skips it too, e.g. "Bag
 * Attributes" from pkcs12 exports). Errors describe structure only, never key content.
 */
export function decodePem(text: string): PemBlock {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const begin = lines.findIndex((line) => /^-----BEGIN [A-Z0-9 ]+-----$/.test(line));
  if (begin < 0) throw new PemError('not a PEM: no "-----BEGIN …-----" line found');
  const label = lines[begin].slice('-----BEGIN '.length, -'-----'.length);
  const endLine = `-----END ${label}-----`;
  const end = lines.indexOf(endLine, begin + 1);
  if (end < 0) throw new PemError(`not a PEM: "-----BEGIN ${label}-----" has no matching "${endLine}" line`);

  const headers: string[] = [];
  const body: string[] = [];
  for (let i = begin + 1; i < end; i++) {
    const line = lines[i];
    if (line.includes(':') && body.length === 0) headers.push(line);
    else if (line === '') continue;
    else if (!BASE64_LINE.test(line)) throw new PemError(`not a PEM: line ${i + 1} is not base64`);
    else body.push(line);
  }
  const base64 = body.join('');
  if (base64.length === 0 || base64.length % 4 !== 0 || /=[^=]/.test(base64)) {
    throw new PemError(`not a PEM: the base64 body of "${label}" is malformed (bad length or padding)`);
  }
  return { label, der: new Uint8Array(Buffer.from(base64, 'base64')), headers };
}
