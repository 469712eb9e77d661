// Signature state is verified when a signature, a key or the signed bytes change, not per keystroke:
// the counter below is the number of verifications the editor ran, whatever the clock says.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureStates } from '../../../server/src/backend/local';
import {
  generateKeyPair,
  keyFingerprint,
  serializeSignature,
  signPolicyBytes,
  verifyPolicySignature,
} from '../../../server/src/signing';
import type { KeyPins } from '../../../server/src/policy/keyPins';
import { signatureDiagnostics } from '../../../server/src/workflows/signatureDiagnostics';

const POLICY = `metadata:
  id: cavra-signed
  title: Signed
  description: A published, Ed25519-signed pack.
  version: "1.0.0"
commands:
  block:
    - "terraform apply*"
`;

describe('signature states: verified on change, not per keystroke', () => {
  let root: string;
  let file: string;
  let sigPath: string;
  let keyDir: string;
  let privateKeyPem: string;
  /** The key is pinned, as a user setting would: these tests count verifications, not trust. */
  let pins: KeyPins;
  const sign = (text: string, signer = 'release') => {
    writeFileSync(
      sigPath,
      serializeSignature(
        signPolicyBytes(Buffer.from(text), { privateKeyPem, signer, keyId: 'release', policyFile: 'policy.yaml' }),
      ),
    );
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cavra-sigstates-'));
    file = join(root, 'policies', 'cavra-signed', 'policy.yaml');
    sigPath = `${file}.sig.json`;
    keyDir = join(root, '.cavra', 'policy-signing');
    mkdirSync(join(root, 'policies', 'cavra-signed'), { recursive: true });
    mkdirSync(keyDir, { recursive: true });
    const pair = generateKeyPair();
    privateKeyPem = pair.privateKeyPem;
    pins = { pinned: [{ fingerprint: keyFingerprint(pair.publicKeyPem), source: 'test' }], revoked: [] };
    writeFileSync(join(keyDir, 'release.public.pem'), pair.publicKeyPem);
    writeFileSync(file, POLICY);
    sign(POLICY);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('200 keystrokes in a signed policy.yaml run one verification (of the signed text), not 200', () => {
    const states = new SignatureStates();
    const diagnose = (text: string) => signatureDiagnostics(file, text, keyDir, undefined, states, () => ({ pins }));

    assert.deepEqual(diagnose(POLICY), [], 'the signed text verifies');
    assert.equal(states.verifications, 1);
    let typed = POLICY;
    for (let i = 0; i < 200; i++) {
      typed += i % 20 === 19 ? '\n' : 'x';
      const [d] = diagnose(typed);
      assert.equal(d?.code, 'signature-mismatch', `keystroke ${i}`);
      assert.match(String(d.message), /modified since it was signed/);
    }
    for (let i = 0; i < 50; i++) assert.deepEqual(diagnose(POLICY), [], 'undo back to the signed text');
    assert.equal(states.verifications, 1, 'the edits were told apart by digest; the signed text was verified once');
  });

  it('verifies again when the signature, the key folder or the settings change', () => {
    const states = new SignatureStates();
    const check = () => states.check(sigPath, Buffer.from(POLICY), keyDir, undefined);
    assert.equal(check()?.result.ok, true);
    check();
    assert.equal(states.verifications, 1);

    sign(POLICY, 'someone-else');
    assert.equal(check()?.signer, 'someone-else', 'a re-signed file is read again');
    assert.equal(states.verifications, 2);

    rmSync(join(keyDir, 'release.public.pem'));
    assert.equal(check()?.result.problem, 'public-key-required', 'a removed key is noticed');
    assert.equal(states.verifications, 3);

    states.invalidate(); // a watched file or a setting changed
    check();
    assert.equal(states.verifications, 4);
  });

  it('answers exactly what verifyPolicySignature answers, for the signed text, an edit, and a broken sig.json', () => {
    const states = new SignatureStates();
    const sigText = () => readFileSync(sigPath, 'utf8');
    for (const text of [POLICY, `${POLICY}# edited\n`]) {
      const expected = verifyPolicySignature(Buffer.from(text), sigText(), {
        publicKeyPems: [readFileSync(join(keyDir, 'release.public.pem'), 'utf8')],
        sigFile: sigPath,
      });
      assert.deepEqual(states.check(sigPath, Buffer.from(text), keyDir, undefined)?.result, expected);
    }
    writeFileSync(sigPath, '{"algorithm": "Ed25519"');
    const broken = states.check(sigPath, Buffer.from(POLICY), keyDir, undefined)?.result;
    assert.deepEqual(broken, verifyPolicySignature(Buffer.from(POLICY), sigText(), { sigFile: sigPath }));
    assert.equal(
      states.check(join(root, 'nowhere.sig.json'), Buffer.from(POLICY), keyDir, undefined),
      null,
      'no sig.json: no state',
    );
  });
});
