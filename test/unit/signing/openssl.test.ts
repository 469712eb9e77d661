// Interop with OpenSSL, the library under CAVRA's Python `cryptography`: keys and signatures made
// here must be exactly what OpenSSL reads and writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parsePrivateKeyPem,
  publicKeyFromPrivate,
  serializeSignature,
  signPolicyBytes,
  verifyPolicySignature,
  writeKeyPair,
} from '../../../server/src/signing';
import { recordedBytes } from './recordedFixtures';

function openssl(...args: string[]): string {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe('signing: OpenSSL interop', () => {
  const policy = recordedBytes('published-policy.yaml');
  let dir: string;
  const at = (name: string) => join(dir, name);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cavra-openssl-'));
    writeFileSync(at('policy.yaml'), policy);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes PEMs that OpenSSL reads and re-emits byte for byte', () => {
    const { privateKeyPath, publicKeyPath } = writeKeyPair(dir, 'ci');
    assert.equal(openssl('pkey', '-in', privateKeyPath), readFileSync(privateKeyPath, 'utf8'));
    assert.equal(openssl('pkey', '-in', privateKeyPath, '-pubout'), readFileSync(publicKeyPath, 'utf8'));
    assert.equal(openssl('pkey', '-pubin', '-in', publicKeyPath), readFileSync(publicKeyPath, 'utf8'));
  });

  it('makes Ed25519 signatures that `openssl pkeyutl -verify -rawin` accepts', () => {
    const { privateKeyPath, publicKeyPath } = writeKeyPair(dir, 'ci');
    const sig = signPolicyBytes(policy, { privateKeyPem: readFileSync(privateKeyPath, 'utf8') });
    writeFileSync(at('sig.bin'), Buffer.from(sig.signature, 'base64'));
    const out = openssl(
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      publicKeyPath,
      '-rawin',
      '-in',
      at('policy.yaml'),
      '-sigfile',
      at('sig.bin'),
    );
    assert.match(out, /Signature Verified Successfully/);
  });

  it('loads a key from `openssl genpkey -algorithm ed25519` and verifies its signatures both ways', () => {
    openssl('genpkey', '-algorithm', 'ed25519', '-out', at('k.pem'));
    openssl('pkey', '-in', at('k.pem'), '-pubout', '-out', at('k.pub.pem'));
    const privatePem = readFileSync(at('k.pem'), 'utf8');
    const publicPem = readFileSync(at('k.pub.pem'), 'utf8');
    assert.equal(publicKeyFromPrivate(privatePem), publicPem);

    const ours = signPolicyBytes(policy, { privateKeyPem: privatePem, keyId: 'openssl' });
    assert.equal(verifyPolicySignature(policy, serializeSignature(ours), { publicKeyPems: [publicPem] }).ok, true);

    openssl('pkeyutl', '-sign', '-inkey', at('k.pem'), '-rawin', '-in', at('policy.yaml'), '-out', at('theirs.bin'));
    const theirs = { ...ours, signature: readFileSync(at('theirs.bin')).toString('base64') };
    assert.equal(theirs.signature, ours.signature); // Ed25519 is deterministic
    assert.equal(
      verifyPolicySignature(policy, JSON.stringify(theirs), { publicKeyPems: [publicPem] }).message,
      'verified Ed25519 signature',
    );
  });

  it('names the algorithm of non-Ed25519 OpenSSL keys and refuses encrypted ones', () => {
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at('ec.pem'));
    assert.throws(
      () => parsePrivateKeyPem(readFileSync(at('ec.pem'), 'utf8')),
      /not an Ed25519 key \(OID 1\.2\.840\.10045\.2\.1, EC\)/,
    );
    openssl('genpkey', '-algorithm', 'ed448', '-out', at('ed448.pem'));
    assert.throws(
      () => parsePrivateKeyPem(readFileSync(at('ed448.pem'), 'utf8')),
      /not an Ed25519 key \(OID 1\.3\.101\.113, Ed448\)/,
    );
    openssl('genpkey', '-algorithm', 'ed25519', '-aes-256-cbc', '-pass', 'pass:x', '-out', at('enc.pem'));
    assert.throws(() => parsePrivateKeyPem(readFileSync(at('enc.pem'), 'utf8')), /encrypted keys are not supported/);
  });
});
