// Digest + sign + verify of a pack, through the same code the CLI and the publish flow use.
import { buildPolicyPack } from '../../../server/src/policy/draft';
import { policyDigest } from '../../../server/src/policy/digest';
import { loadPolicyValue } from '../../../server/src/policy/policyYaml';
import { generateKeyPair, serializeSignature, signPolicyBytes, verifyPolicySignature } from '../../../server/src/signing';
import { Samples } from './samples';

export interface SigningTimes {
  load: Samples;
  draftDigest: Samples;
  sign: Samples;
  verify: Samples;
  total: Samples;
}

export function signingTimes(text: string, reps: number): SigningTimes {
  const t: SigningTimes = {
    load: new Samples(),
    draftDigest: new Samples(),
    sign: new Samples(),
    verify: new Samples(),
    total: new Samples(),
  };
  const keys = generateKeyPair();
  const bytes = new TextEncoder().encode(text);
  const timed = <T>(s: Samples, f: () => T): T => {
    const started = performance.now();
    const v = f();
    s.add(performance.now() - started);
    return v;
  };
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    const value = timed(t.load, () => loadPolicyValue(text, 'policy.yaml'));
    timed(t.draftDigest, () => policyDigest(buildPolicyPack(value)));
    const sig = timed(t.sign, () => signPolicyBytes(bytes, { privateKeyPem: keys.privateKeyPem, signer: 'bench' }));
    const result = timed(t.verify, () =>
      verifyPolicySignature(bytes, serializeSignature(sig), { publicKeyPems: [keys.publicKeyPem] }),
    );
    t.total.add(performance.now() - started);
    if (!result.ok) t.verify.fail(result.message);
  }
  return t;
}
