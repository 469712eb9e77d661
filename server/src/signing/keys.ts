// Ed25519 signing keys in the exact files CAVRA's `cavra policy keygen` writes (PKCS#8 private PEM,
// SubjectPublicKeyInfo public PEM), so keys move freely between CAVRA, OpenSSL and this extension.
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DER_BIT_STRING,
  DER_INTEGER,
  DER_OCTET_STRING,
  DER_OID,
  DER_SEQUENCE,
  DerError,
  DerNode,
  ED25519_OID,
  decodeOid,
  derChildren,
  describeOid,
  readDerExactly,
} from './der';
import { PemError, decodePem, encodePem } from './pem';

// noble's synchronous API needs a SHA-512 wired in; keys and signatures here are synchronous.
ed.hashes.sha512 = sha512;

// RFC 8410 fixes these encodings: only the 32 key bytes vary.
const PKCS8_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'));
const SPKI_PREFIX = Uint8Array.from(Buffer.from('302a300506032b6570032100', 'hex'));

/** Every key problem; messages describe structure and the fix, never key bytes. */
export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

export interface Ed25519KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface WrittenKeyPair {
  keyId: string;
  privateKeyPath: string;
  publicKeyPath: string;
  /** hex SHA-256 of the public PEM bytes, as CAVRA reports it and puts in sig.json. */
  publicKeySha256: string;
}

export function encodePrivateKeyPem(seed: Uint8Array): string {
  if (seed.length !== 32) throw new SigningKeyError(`an Ed25519 private key is 32 bytes, got ${seed.length}`);
  return encodePem('PRIVATE KEY', concat(PKCS8_PREFIX, seed));
}

export function encodePublicKeyPem(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new SigningKeyError(`an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  return encodePem('PUBLIC KEY', concat(SPKI_PREFIX, publicKey));
}

export function generateKeyPair(): Ed25519KeyPair {
  const seed = ed.utils.randomSecretKey();
  return { privateKeyPem: encodePrivateKeyPem(seed), publicKeyPem: encodePublicKeyPem(ed.getPublicKey(seed)) };
}

/** The public PEM CAVRA derives from a private key (its public_key_sha256 hashes exactly this). */
export function publicKeyFromPrivate(privateKeyPem: string, source?: string): string {
  return encodePublicKeyPem(ed.getPublicKey(parsePrivateKeyPem(privateKeyPem, source)));
}

/** hex SHA-256 of the PEM *bytes* — CRLF line endings give a different fingerprint, as in CAVRA. */
export function publicKeySha256(publicKeyPem: string | Uint8Array): string {
  return bytesToHex(sha256(typeof publicKeyPem === 'string' ? utf8ToBytes(publicKeyPem) : publicKeyPem));
}

/** Returns the 32-byte seed of a PKCS#8 Ed25519 private key. */
export function parsePrivateKeyPem(pem: string, source?: string): Uint8Array {
  return withSource(source, () => {
    const block = decodePem(pem);
    if (block.label === 'ENCRYPTED PRIVATE KEY' || block.headers.some((h) => /^Proc-Type:.*ENCRYPTED/i.test(h))) {
      throw new SigningKeyError('encrypted keys are not supported: CAVRA reads unencrypted PKCS#8 keys');
    }
    if (block.label === 'PUBLIC KEY') {
      throw new SigningKeyError('this is a public key (BEGIN PUBLIC KEY); signing needs the .private.pem file');
    }
    if (block.label === 'OPENSSH PRIVATE KEY') {
      throw new SigningKeyError(
        'OpenSSH key format is not supported: create a PKCS#8 key with `cavra policy keygen` or `openssl genpkey -algorithm ed25519`',
      );
    }
    const legacy = /^(RSA|EC|DSA) PRIVATE KEY$/.exec(block.label);
    if (legacy) throw new SigningKeyError(`not an Ed25519 key (${legacy[1]} key in a "${block.label}" PEM)`);
    if (block.label !== 'PRIVATE KEY') {
      throw new SigningKeyError(`unexpected PEM "${block.label}": expected "-----BEGIN PRIVATE KEY-----" (PKCS#8)`);
    }
    return seedFromPkcs8(block.der);
  });
}

/** Returns the 32-byte Ed25519 public key of a SubjectPublicKeyInfo PEM. */
export function parsePublicKeyPem(pem: string, source?: string): Uint8Array {
  return withSource(source, () => {
    const block = decodePem(pem);
    if (/PRIVATE KEY$/.test(block.label)) {
      throw new SigningKeyError(`this is a private key ("${block.label}"); verification needs the .public.pem file`);
    }
    if (block.label === 'CERTIFICATE') {
      throw new SigningKeyError(
        'certificates are not supported: extract the key with `openssl x509 -pubkey -noout -in cert.pem`',
      );
    }
    if (block.label === 'RSA PUBLIC KEY') throw new SigningKeyError('not an Ed25519 key (RSA key in a "RSA PUBLIC KEY" PEM)');
    if (block.label !== 'PUBLIC KEY') {
      throw new SigningKeyError(`unexpected PEM "${block.label}": expected "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo)`);
    }
    return publicKeyFromSpki(block.der);
  });
}

/**
 * Writes `<keyId>.private.pem` (0600) into `dir` and `<keyId>.public.pem` into `publicDir` (default the
 * same folder, like `cavra policy keygen --output <dir> --key-id <keyId>`), never over existing files.
 */
export function writeKeyPair(
  dir: string,
  keyId: string,
  pair: Ed25519KeyPair = generateKeyPair(),
  publicDir: string = dir,
): WrittenKeyPair {
  checkKeyId(keyId);
  const privateKeyPath = join(dir, `${keyId}.private.pem`);
  const publicKeyPath = join(publicDir, `${keyId}.public.pem`);
  for (const path of [privateKeyPath, publicKeyPath]) {
    if (existsSync(path))
      throw new SigningKeyError(`refusing to overwrite ${path}: choose another key id or move the existing key away`);
  }
  // Only the owner may list the private key folder (a new one; an existing folder keeps its mode).
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(publicDir, { recursive: true });
  // 'wx' closes the gap between the check above and the write: an existing file is never replaced.
  writeFileSync(privateKeyPath, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  try {
    writeFileSync(publicKeyPath, pair.publicKeyPem, { mode: 0o644, flag: 'wx' });
  } catch (error) {
    rmSync(privateKeyPath, { force: true }); // no half pair left behind
    throw error;
  }
  return { keyId, privateKeyPath, publicKeyPath, publicKeySha256: publicKeySha256(pair.publicKeyPem) };
}

function checkKeyId(keyId: string): void {
  if (!keyId.trim()) throw new SigningKeyError('key id is required');
  if (/[\\/]/.test(keyId) || keyId.includes('..') || keyId.includes('\0')) {
    throw new SigningKeyError(`key id "${keyId}" must be a plain name: no "/", "\\" or ".."`);
  }
}

function seedFromPkcs8(der: Uint8Array): Uint8Array {
  const top = expect(readDerExactly(der), DER_SEQUENCE, 'PKCS#8 PrivateKeyInfo');
  const [version, algorithm, privateKey, ...optional] = derChildren(top.body);
  const v = expect(version, DER_INTEGER, 'PKCS#8 version').body;
  // v1 (0) is what OpenSSL and CAVRA write; v2 (1) may carry the public key as well.
  if (v.length !== 1 || v[0] > 1) throw new SigningKeyError('not a PKCS#8 private key: unsupported version');
  checkEd25519Algorithm(algorithm);
  const inner = readDerExactly(expect(privateKey, DER_OCTET_STRING, 'PKCS#8 privateKey').body);
  const seed = expect(inner, DER_OCTET_STRING, 'Ed25519 CurvePrivateKey').body;
  if (seed.length !== 32) throw new SigningKeyError(`not a valid Ed25519 private key: ${seed.length} key bytes instead of 32`);
  const embedded = optional.find((node) => node.tag === 0x81); // [1] publicKey, v2 only
  if (embedded && !sameBytes(embedded.body.subarray(1), ed.getPublicKey(seed))) {
    throw new SigningKeyError('the public key stored in the PKCS#8 file does not match its private key');
  }
  return Uint8Array.from(seed);
}

function publicKeyFromSpki(der: Uint8Array): Uint8Array {
  const top = expect(readDerExactly(der), DER_SEQUENCE, 'SubjectPublicKeyInfo');
  const [algorithm, bits] = derChildren(top.body);
  checkEd25519Algorithm(algorithm);
  const body = expect(bits, DER_BIT_STRING, 'subjectPublicKey').body;
  if (body.length !== 33 || body[0] !== 0) {
    throw new SigningKeyError(`not a valid Ed25519 public key: ${Math.max(body.length - 1, 0)} key bytes instead of 32`);
  }
  const key = Uint8Array.from(body.subarray(1));
  try {
    ed.Point.fromBytes(key);
  } catch {
    throw new SigningKeyError('not a valid Ed25519 public key: the 32 bytes are not a point on the curve');
  }
  return key;
}

function checkEd25519Algorithm(node: DerNode | undefined): void {
  const [oid] = derChildren(expect(node, DER_SEQUENCE, 'AlgorithmIdentifier').body);
  const dotted = decodeOid(expect(oid, DER_OID, 'algorithm OID').body);
  if (dotted !== ED25519_OID) throw new SigningKeyError(`not an Ed25519 key (OID ${describeOid(dotted)})`);
}

function expect(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new SigningKeyError(`malformed key: ${what} is missing`);
  if (node.tag !== tag) throw new SigningKeyError(`malformed key: ${what} has DER tag 0x${node.tag.toString(16)}`);
  return node;
}

// Prefixes "<file>: " so errors name the file; converts low-level errors into SigningKeyError.
function withSource<T>(source: string | undefined, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const known = error instanceof SigningKeyError || error instanceof PemError || error instanceof DerError;
    const message = known ? error.message : 'malformed key';
    throw new SigningKeyError(source ? `${source}: ${message}` : message);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * The trusted public keys of a signing key directory (`cavra.signing.keyDirectory`, default
 * `.cavra/policy-signing`): every `*.public.pem` in it, by file name, as the editor and `verify` trust
 * them. A missing directory trusts nothing.
 */
export function trustedPublicKeys(keyDirectory: string): { file: string; pem: string }[] {
  let names: string[];
  try {
    names = readdirSync(keyDirectory)
      .filter((f) => f.endsWith('.public.pem'))
      .sort();
  } catch {
    return [];
  }
  const keys: { file: string; pem: string }[] = [];
  for (const name of names) {
    try {
      keys.push({ file: join(keyDirectory, name), pem: readFileSync(join(keyDirectory, name), 'utf8') });
    } catch {
      // an unreadable file is not a trusted key
    }
  }
  return keys;
}
