import assert from 'node:assert/strict';
import {
  generateKeyPair,
  hmacSignature,
  signatureDowngrade,
  signatureKeyId,
  verifyFailureAdvice,
  policyFileDigest,
  publicKeySha256,
  serializeSignature,
  signPolicyBytes,
  verifyPolicySignature,
  keyFingerprint,
} from '../../../server/src/signing';
import { pythonJsonDumps, pythonUtcIsoformat } from '../../../server/src/signing/pythonFormat';
import { recordedBytes, recordedText } from './recordedFixtures';

const policy = recordedBytes('published-policy.yaml');
const recordedSigText = recordedText('published-policy.yaml.sig.json');
const recordedSig = JSON.parse(recordedSigText);

function tampered(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[copy.length - 3] ^= 0x01; // one bit in the version string
  return copy;
}

describe('signing: CAVRA SHA256 (digest-keyed) sig.json', () => {
  it('reproduces the recorded sig.json byte for byte, signed_at aside', () => {
    const sig = signPolicyBytes(policy, { signer: 'policy-authoring-api' });
    assert.equal(sig.signature, 'rhugfmTjBrjF8pVXDLliuzRYUYPGYnYo7CLyPekaq0o=');
    assert.equal(serializeSignature({ ...sig, signed_at: recordedSig.signed_at }), recordedSigText);
  });

  it('keys the HMAC with the bare digest hex, not the "sha256:"-prefixed digest', () => {
    const hex = policyFileDigest(policy).slice('sha256:'.length);
    assert.equal(hmacSignature(hex, policy), recordedSig.signature);
    assert.notEqual(hmacSignature(`sha256:${hex}`, policy), recordedSig.signature);
  });

  it('computes the digest as sha256: + hex of the file bytes', () => {
    assert.equal(policyFileDigest(policy), recordedSig.digest);
  });

  it('verifies the recorded pair', () => {
    assert.deepEqual(verifyPolicySignature(policy, recordedSigText), {
      ok: true,
      algorithm: 'SHA256',
      message: 'verified SHA256 signature',
      signatureChecked: true,
    });
  });

  it('fails with "policy digest mismatch" when one byte of the policy changes', () => {
    const result = verifyPolicySignature(tampered(policy), recordedSigText);
    assert.equal(result.ok, false);
    assert.equal(result.problem, 'digest-mismatch');
    assert.match(result.message, /^policy digest mismatch: /);
  });

  it('is stricter than CAVRA: a SHA256 file whose signature is not the digest-keyed HMAC fails', () => {
    const forged = JSON.stringify({ ...recordedSig, signature: hmacSignature('other', policy) });
    const result = verifyPolicySignature(policy, forged);
    assert.equal(result.problem, 'signature-mismatch');
    assert.match(result.message, /^SHA256 signature mismatch/);
  });

  it('rejects a SHA256 file when an HMAC key is given, as CAVRA does', () => {
    const result = verifyPolicySignature(policy, recordedSigText, { hmacKey: 'team-secret' });
    assert.equal(result.problem, 'hmac-mismatch');
    assert.match(result.message, /^HMAC signature mismatch/);
  });
});

describe('signing: HS256', () => {
  const sig = signPolicyBytes(policy, { hmacKey: 'team-secret', signer: 'ci' });
  const text = serializeSignature(sig);

  it('writes HS256 with no key_id or public_key_sha256, in CAVRA field order', () => {
    assert.deepEqual(Object.keys(sig), [
      'schema_version',
      'algorithm',
      'digest',
      'signature',
      'signed_at',
      'signer',
      'policy_file',
    ]);
    assert.equal(sig.algorithm, 'HS256');
    assert.equal(sig.signature, hmacSignature('team-secret', policy));
  });

  it('treats an empty HMAC key as none (CAVRA: `key or digest`)', () => {
    assert.equal(signPolicyBytes(policy, { hmacKey: '' }).algorithm, 'SHA256');
  });

  it('verifies with the right key', () => {
    assert.deepEqual(verifyPolicySignature(policy, text, { hmacKey: 'team-secret' }), {
      ok: true,
      algorithm: 'HS256',
      message: 'verified HS256 signature',
      signatureChecked: true,
    });
  });

  it('fails with "HMAC signature mismatch" under another key', () => {
    const result = verifyPolicySignature(policy, text, { hmacKey: 'wrong' });
    assert.equal(result.ok, false);
    assert.equal(result.problem, 'hmac-mismatch');
    assert.match(result.message, /^HMAC signature mismatch/);
  });

  it('passes on the digest alone without a key, like CAVRA, and says the HMAC was not checked', () => {
    assert.deepEqual(verifyPolicySignature(policy, text), {
      ok: true,
      algorithm: 'HS256',
      message: 'verified HS256 signature',
      signatureChecked: false,
    });
    assert.equal(verifyPolicySignature(tampered(policy), text).problem, 'digest-mismatch');
  });
});

describe('signing: Ed25519 sig.json', () => {
  const pair = generateKeyPair();
  const other = generateKeyPair();
  const sig = signPolicyBytes(policy, { privateKeyPem: pair.privateKeyPem });
  const text = serializeSignature(sig);

  it("uses the field order of CAVRA's recorded Ed25519 sample", () => {
    const sample = JSON.parse(recordedText('cli-ed25519-sample.policy.yaml.sig.json'));
    assert.deepEqual(Object.keys(sig), Object.keys(sample));
    assert.equal(sig.algorithm, 'Ed25519');
  });

  it('defaults key_id to the signer and fingerprints the public PEM bytes', () => {
    assert.equal(sig.signer, 'local');
    assert.equal(sig.key_id, 'local');
    assert.equal(signPolicyBytes(policy, { privateKeyPem: pair.privateKeyPem, keyId: 'prod-2026' }).key_id, 'prod-2026');
    assert.equal(sig.public_key_sha256, publicKeySha256(Buffer.from(pair.publicKeyPem, 'utf8')));
  });

  it('round-trips: signs here and verifies here', () => {
    assert.deepEqual(verifyPolicySignature(policy, text, { publicKeyPems: [other.publicKeyPem, pair.publicKeyPem] }), {
      ok: true,
      algorithm: 'Ed25519',
      message: 'verified Ed25519 signature',
      signatureChecked: true,
      keyFingerprint: keyFingerprint(pair.publicKeyPem),
    });
  });

  it("requires a public key, with CAVRA's message", () => {
    const result = verifyPolicySignature(policy, text);
    assert.equal(result.problem, 'public-key-required');
    assert.equal(result.message, 'public key is required for Ed25519 policy signature verification');
  });

  it('rejects a signature whose key is not among the trusted keys', () => {
    const result = verifyPolicySignature(policy, text, { publicKeyPems: [other.publicKeyPem] });
    assert.equal(result.problem, 'untrusted-key');
    assert.match(
      result.message,
      /^policy signing public key fingerprint mismatch: the signing key [0-9a-f]{64} \(key_id "local"\) is not among the 1 trusted key\(s\)$/,
    );
  });

  it('explains a trusted key that only differs by CRLF line endings', () => {
    const crlf = pair.publicKeyPem.replace(/\n/g, '\r\n');
    const result = verifyPolicySignature(policy, text, { publicKeyPems: [crlf] });
    assert.equal(result.problem, 'untrusted-key');
    assert.match(result.message, /LF line endings/);
  });

  it('rejects a signature made by another key under the trusted fingerprint', () => {
    const forged = { ...sig, signature: signPolicyBytes(policy, { privateKeyPem: other.privateKeyPem }).signature };
    const result = verifyPolicySignature(policy, JSON.stringify(forged), { publicKeyPems: [pair.publicKeyPem] });
    assert.equal(result.problem, 'signature-mismatch');
    assert.match(result.message, /^Ed25519 signature mismatch/);
  });

  it('rejects a signature that is not strict base64 of 64 bytes', () => {
    for (const bad of ['not base64!', sig.signature.slice(0, -4), `${sig.signature}\n`]) {
      const result = verifyPolicySignature(policy, JSON.stringify({ ...sig, signature: bad }), {
        publicKeyPems: [pair.publicKeyPem],
      });
      assert.equal(result.problem, 'malformed-signature', bad);
    }
  });

  it('fails on the digest before looking at keys', () => {
    assert.equal(
      verifyPolicySignature(tampered(policy), text, { publicKeyPems: [pair.publicKeyPem] }).problem,
      'digest-mismatch',
    );
  });
});

describe('signing: malformed sig.json', () => {
  it('reports invalid JSON with line and column', () => {
    const result = verifyPolicySignature(policy, '{\n  "algorithm": "SHA256",\n  "digest": 1,,\n}\n');
    assert.equal(result.problem, 'malformed-json');
    assert.match(result.message, /^policy\.yaml\.sig\.json is not valid JSON: .+ at line 3, column \d+$/);
  });

  it('names a missing field', () => {
    const { signature: _omit, ...rest } = recordedSig;
    const result = verifyPolicySignature(policy, JSON.stringify(rest), { sigFile: 'a/policy.yaml.sig.json' });
    assert.deepEqual(result, {
      ok: false,
      algorithm: 'SHA256',
      problem: 'missing-field',
      signatureChecked: false,
      message: 'a/policy.yaml.sig.json has no "signature" string field',
    });
  });

  it('rejects an unknown algorithm (CAVRA would report it "verified")', () => {
    const result = verifyPolicySignature(policy, JSON.stringify({ ...recordedSig, algorithm: 'RS256' }));
    assert.equal(result.problem, 'unknown-algorithm');
    assert.match(result.message, /unknown algorithm "RS256"/);
  });

  it('rejects a different schema_version and a non-object', () => {
    assert.equal(
      verifyPolicySignature(policy, JSON.stringify({ ...recordedSig, schema_version: 'v2' })).problem,
      'unsupported-schema',
    );
    assert.equal(verifyPolicySignature(policy, '[]').problem, 'malformed-json');
  });
});

describe('signing: Python formatting of sig.json', () => {
  it('writes signed_at like datetime.isoformat(): six fraction digits, none when zero', () => {
    assert.equal(pythonUtcIsoformat(new Date('2026-11-23T00:11:03.965Z')), '2026-11-23T00:11:03.965000+00:00');
    assert.equal(pythonUtcIsoformat(new Date('2026-11-23T00:11:03.000Z')), '2026-11-23T00:11:03+00:00');
    assert.match(signPolicyBytes(policy).signed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
  });

  it('escapes non-ASCII like json.dumps(ensure_ascii=True) and ends the file with a newline', () => {
    // Expected text produced by Python: json.dumps({"signer": "José 😀\x7f"}, indent=2)
    assert.equal(pythonJsonDumps({ signer: 'José 😀\x7f' }), '{\n  "signer": "Jos\\u00e9 \\ud83d\\ude00\\u007f"\n}');
    assert.ok(serializeSignature(signPolicyBytes(policy)).endsWith('}\n'));
  });
});

describe('signing: one key_id rule, the downgrade check and failure advice', () => {
  it('key_id is the key id given, else the signer (CAVRA SPEC 5), for the CLI and the editor alike', () => {
    assert.deepEqual(signatureKeyId('release', 'ci'), { keyId: 'release', from: 'key-id' });
    assert.deepEqual(signatureKeyId(undefined, 'ci'), { keyId: 'ci', from: 'signer' });
    assert.deepEqual(signatureKeyId('', 'ci'), { keyId: 'ci', from: 'signer' });
    const { privateKeyPem } = generateKeyPair();
    assert.equal(signPolicyBytes(policy, { privateKeyPem, signer: 'ci' }).key_id, 'ci');
    assert.equal(signPolicyBytes(policy, { privateKeyPem, signer: 'ci', keyId: 'release' }).key_id, 'release');
  });

  it('an Ed25519 signature replaced by HS256 or SHA256 is a downgrade; the same or stronger is not', () => {
    const ed = JSON.stringify({ algorithm: 'Ed25519' });
    assert.match(signatureDowngrade(ed, 'SHA256') ?? '', /signed with Ed25519, .*digest-only SHA256/);
    assert.match(signatureDowngrade(ed, 'HS256') ?? '', /HS256/);
    assert.equal(signatureDowngrade(ed, 'Ed25519'), undefined);
    assert.equal(signatureDowngrade(JSON.stringify({ algorithm: 'SHA256' }), 'Ed25519'), undefined);
    assert.equal(signatureDowngrade(undefined, 'SHA256'), undefined);
    assert.equal(signatureDowngrade('not json', 'SHA256'), undefined);
  });

  it('failure advice never says to sign again as the fix; it names the way back through an approval', () => {
    for (const problem of ['digest-mismatch', 'signature-mismatch', 'untrusted-key', 'malformed-json'] as const) {
      const advice = verifyFailureAdvice(problem, 'PLAN → REQUEST → PUBLISH');
      assert.match(advice, /through an approval \(PLAN → REQUEST → PUBLISH\)/);
      assert.doesNotMatch(advice, /sign it again(?!:)|re-sign/i);
    }
  });
});
