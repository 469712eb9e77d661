import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SigningKeyError,
  encodePrivateKeyPem,
  encodePublicKeyPem,
  generateKeyPair,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  publicKeyFromPrivate,
  publicKeySha256,
  signPolicyBytes,
  writeKeyPair,
} from '../../../server/src/signing';

// RFC 8032 section 7.1, test 1.
const RFC_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const RFC_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');

function pemOf(label: string, derHex: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(derHex, 'hex').toString('base64')}\n-----END ${label}-----\n`;
}

describe('signing keys: PEM encoding', () => {
  it('writes PKCS#8 and SubjectPublicKeyInfo with the fixed RFC 8410 DER prefixes', () => {
    assert.equal(
      encodePrivateKeyPem(RFC_SEED),
      pemOf('PRIVATE KEY', `302e020100300506032b657004220420${RFC_SEED.toString('hex')}`),
    );
    assert.equal(encodePublicKeyPem(RFC_PUBLIC), pemOf('PUBLIC KEY', `302a300506032b6570032100${RFC_PUBLIC.toString('hex')}`));
  });

  it('round-trips and derives the RFC 8032 public key', () => {
    const privatePem = encodePrivateKeyPem(RFC_SEED);
    assert.deepEqual(Buffer.from(parsePrivateKeyPem(privatePem)), RFC_SEED);
    assert.equal(publicKeyFromPrivate(privatePem), encodePublicKeyPem(RFC_PUBLIC));
    assert.deepEqual(Buffer.from(parsePublicKeyPem(encodePublicKeyPem(RFC_PUBLIC))), RFC_PUBLIC);
  });

  it('generates a matching pair', () => {
    const pair = generateKeyPair();
    assert.equal(publicKeyFromPrivate(pair.privateKeyPem), pair.publicKeyPem);
    assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/]{64}\n-----END PRIVATE KEY-----\n$/);
    assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/]{59}=\n-----END PUBLIC KEY-----\n$/);
  });

  it('accepts CRLF line endings and text around the block, as OpenSSL does', () => {
    const pem = `Bag Attributes\r\n${encodePrivateKeyPem(RFC_SEED).replace(/\n/g, '\r\n')}trailer\r\n`;
    assert.deepEqual(Buffer.from(parsePrivateKeyPem(pem)), RFC_SEED);
  });
});

describe('signing keys: precise parse errors', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['no PEM at all', () => parsePrivateKeyPem('hello'), /^not a PEM: no "-----BEGIN …-----" line found$/],
    [
      'no END line',
      () => parsePrivateKeyPem('-----BEGIN PRIVATE KEY-----\nAAAA\n'),
      /^not a PEM: .* has no matching "-----END PRIVATE KEY-----" line$/,
    ],
    ['encrypted PKCS#8', () => parsePrivateKeyPem(pemOf('ENCRYPTED PRIVATE KEY', '3000')), /^encrypted keys are not supported/],
    [
      'legacy encrypted PEM',
      () =>
        parsePrivateKeyPem(
          '-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END PRIVATE KEY-----\n',
        ),
      /^encrypted keys are not supported/,
    ],
    [
      'X25519 private key',
      () => parsePrivateKeyPem(pemOf('PRIVATE KEY', `302e020100300506032b656e04220420${RFC_SEED.toString('hex')}`)),
      /^not an Ed25519 key \(OID 1\.3\.101\.110, X25519\)$/,
    ],
    ['RSA PKCS#1', () => parsePrivateKeyPem(pemOf('RSA PRIVATE KEY', '3000')), /^not an Ed25519 key \(RSA key/],
    ['OpenSSH', () => parsePrivateKeyPem(pemOf('OPENSSH PRIVATE KEY', '00')), /^OpenSSH key format is not supported/],
    [
      'public key given as private',
      () => parsePrivateKeyPem(encodePublicKeyPem(RFC_PUBLIC)),
      /signing needs the \.private\.pem file/,
    ],
    [
      'private key given as public',
      () => parsePublicKeyPem(encodePrivateKeyPem(RFC_SEED)),
      /verification needs the \.public\.pem file/,
    ],
    [
      'public key off the curve',
      () => parsePublicKeyPem(encodePublicKeyPem(Uint8Array.of(2, ...new Uint8Array(31)))),
      /not a point on the curve/,
    ],
    [
      'truncated DER',
      () => parsePrivateKeyPem(pemOf('PRIVATE KEY', `302e020100300506032b657004220420${RFC_SEED.toString('hex').slice(0, 40)}`)),
      /runs past the end/,
    ],
    [
      'trailing bytes',
      () => parsePrivateKeyPem(pemOf('PRIVATE KEY', `302e020100300506032b657004220420${RFC_SEED.toString('hex')}00`)),
      /unexpected bytes after the DER structure/,
    ],
  ];
  for (const [name, parse, expected] of cases) {
    it(name, () => assert.throws(parse, (error: Error) => error instanceof SigningKeyError && expected.test(error.message)));
  }

  it('names the file when given one', () => {
    assert.throws(() => parsePublicKeyPem('x', 'keys/a.public.pem'), /^SigningKeyError: keys\/a\.public\.pem: not a PEM/);
  });
});

describe('signing keys: errors never carry private key material', () => {
  const seed = Buffer.from(generateKeyPair().privateKeyPem.split('\n')[1], 'base64').subarray(16);
  const pem = encodePrivateKeyPem(seed);
  const body = pem.split('\n')[1];
  const secrets = [seed.toString('hex'), seed.toString('base64'), body, body.slice(20, 60)];
  const corruptions: Array<[string, () => unknown]> = [
    ['trailing garbage', () => parsePrivateKeyPem(pem.replace('-----END', 'AAAA\n-----END'))],
    [
      'changed OID',
      () =>
        parsePrivateKeyPem(
          pem.replace(body, Buffer.from(Buffer.from(body, 'base64').map((b, i) => (i === 11 ? 0x71 : b))).toString('base64')),
        ),
    ],
    ['truncated body', () => parsePrivateKeyPem(pem.replace(body, body.slice(0, 40)))],
    ['bad base64 character', () => parsePrivateKeyPem(pem.replace(body, `${body.slice(0, 30)}!${body.slice(31)}`))],
    ['private PEM read as public', () => parsePublicKeyPem(pem)],
    ['wrong label', () => parsePrivateKeyPem(pem.replace(/PRIVATE KEY/g, 'SECRET KEY'))],
    [
      'signing with a broken key',
      () => signPolicyBytes(new Uint8Array(1), { privateKeyPem: pem.replace(body, body.slice(0, 40)) }),
    ],
  ];
  for (const [name, run] of corruptions) {
    it(name, () => {
      let message: string | undefined;
      try {
        run();
      } catch (error) {
        message = `${(error as Error).message}\n${(error as Error).stack}`;
      }
      assert.ok(message, 'expected an error');
      for (const secret of secrets) assert.ok(!message.includes(secret), `error leaks key material: ${message}`);
    });
  }
});

describe('signing keys: writeKeyPair', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cavra-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <keyId>.private.pem (0600) and <keyId>.public.pem like `cavra policy keygen`', () => {
    const pair = generateKeyPair();
    const written = writeKeyPair(join(dir, 'policy-signing'), 'prod', pair);
    assert.equal(written.privateKeyPath, join(dir, 'policy-signing', 'prod.private.pem'));
    assert.equal(readFileSync(written.privateKeyPath, 'utf8'), pair.privateKeyPem);
    assert.equal(readFileSync(written.publicKeyPath, 'utf8'), pair.publicKeyPem);
    assert.equal(written.publicKeySha256, publicKeySha256(readFileSync(written.publicKeyPath)));
    if (process.platform !== 'win32') assert.equal(statSync(written.privateKeyPath).mode & 0o777, 0o600);
  });

  it('refuses to overwrite either file and leaves both untouched', () => {
    writeFileSync(join(dir, 'prod.public.pem'), 'keep me');
    assert.throws(() => writeKeyPair(dir, 'prod'), /^SigningKeyError: refusing to overwrite .*prod\.public\.pem/);
    assert.equal(existsSync(join(dir, 'prod.private.pem')), false);
    assert.equal(readFileSync(join(dir, 'prod.public.pem'), 'utf8'), 'keep me');
  });

  for (const keyId of ['../escape', 'a/b', 'a\\b', '..', '  ']) {
    it(`refuses key id ${JSON.stringify(keyId)}`, () => {
      assert.throws(() => writeKeyPair(dir, keyId), SigningKeyError);
    });
  }
});
