// Kept instead of node:crypto's createPrivateKey/createPublicKey: those accept trailing bytes after the
// DER and fail with "DECODER routines::unsupported", where this refuses them and names the fault.
// Just enough DER reading to take apart PKCS#8 and SubjectPublicKeyInfo and say precisely
// what a foreign key is (its algorithm OID) instead of "invalid key".

export interface DerNode {
  tag: number;
  /** Content bytes (a view into the input, never copied). */
  body: Uint8Array;
}

export class DerError extends Error {}

/** Reads the TLV at `offset`; `next` is where the following sibling starts. */
export function readDer(bytes: Uint8Array, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > bytes.length) throw new DerError(`truncated DER at byte ${offset}`);
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // Keys are tiny; more than 2 length octets (or indefinite length) is not DER we can meet.
    if (octets === 0 || octets > 2) throw new DerError(`unsupported DER length form at byte ${offset + 1}`);
    if (start + octets > bytes.length) throw new DerError(`truncated DER length at byte ${offset + 1}`);
    length = 0;
    for (let i = 0; i < octets; i++) length = (length << 8) | bytes[start + i];
    start += octets;
  }
  const end = start + length;
  if (end > bytes.length) throw new DerError(`DER element at byte ${offset} runs past the end of the data`);
  return { node: { tag, body: bytes.subarray(start, end) }, next: end };
}

/** The children of a constructed element (SEQUENCE, [n] …), in order. */
export function derChildren(body: Uint8Array): DerNode[] {
  const out: DerNode[] = [];
  for (let offset = 0; offset < body.length;) {
    const { node, next } = readDer(body, offset);
    out.push(node);
    offset = next;
  }
  return out;
}

/** Reads one whole element and refuses trailing bytes, so garbage after a key is not ignored. */
export function readDerExactly(bytes: Uint8Array): DerNode {
  const { node, next } = readDer(bytes, 0);
  if (next !== bytes.length) throw new DerError(`${bytes.length - next} unexpected bytes after the DER structure`);
  return node;
}

export const DER_INTEGER = 0x02;
export const DER_BIT_STRING = 0x03;
export const DER_OCTET_STRING = 0x04;
export const DER_OID = 0x06;
export const DER_SEQUENCE = 0x30;

export function decodeOid(body: Uint8Array): string {
  if (body.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let value = 0;
  for (const byte of body) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

const OID_NAMES: Record<string, string> = {
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.10040.4.1': 'DSA',
};

export const ED25519_OID = '1.3.101.112';

/** "1.2.840.10045.2.1, EC" — the dotted OID plus a name when it is a well-known key type. */
export function describeOid(oid: string): string {
  const name = OID_NAMES[oid];
  return name ? `${oid}, ${name}` : oid;
}
