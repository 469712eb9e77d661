// Checks an evidence bundle with nothing but its own contents and, optionally, a pinned key
// fingerprint. Every check runs, so one tampering shows everywhere it breaks something, each problem
// naming its part and what was expected. Without a pin the best answer is "self-consistent": a bundle
// re-signed with a swapped key is self-consistent too.
import { policyDigest } from '../policy/digest';
import { loadPolicyValue } from '../policy/policyYaml';
import { GENESIS_HASH as GENESIS, recordHash } from '../backend/evidence/recordHash';
import { publicKeyFingerprint, verifyPolicySignature } from '../signing';
import {
  EVIDENCE_BUNDLE_SCHEMA,
  bundlePartDigests,
  publishRecordFor,
  recordPart,
  sha256Of,
  type EvidenceBundle,
} from './evidenceBundle';

export interface BundleProblem {
  /** The bundle part, as the manifest names it (`policy.yaml`, `approval.json`, `evidence/seq-000004`, …). */
  part: string;
  message: string;
}

export interface BundleVerdict {
  /** `verified` needs a pin that matches; without one the best is `self-consistent`. */
  status: 'verified' | 'self-consistent' | 'failed';
  pack_id: string | null;
  policy_file_digest: string | null;
  approval_id: string | null;
  key_fingerprint: string | null;
  pinned: boolean;
  problems: BundleProblem[];
  message: string;
}

const isObject = (v: unknown): v is { [key: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';

/** The parts a bundle must have, with their JSON types; a missing one stops the check there. */
function shapeProblems(b: { [key: string]: unknown }): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const need = (part: string, ok: boolean, what: string) => {
    if (!ok) problems.push({ part, message: `${what} is missing or not of its type` });
  };
  if (b.schema_version !== EVIDENCE_BUNDLE_SCHEMA) {
    problems.push({
      part: 'schema_version',
      message: `expected "${EVIDENCE_BUNDLE_SCHEMA}", found ${JSON.stringify(b.schema_version ?? null)}: not an evidence bundle of this version`,
    });
    return problems;
  }
  const policy = b.policy as { base64?: unknown; text?: unknown } | undefined;
  const evidence = b.evidence as { records?: unknown; chain?: unknown; head?: unknown } | undefined;
  need('pack_id', str(b.pack_id), 'pack_id');
  need('policy.yaml', isObject(policy) && str(policy.base64) && str(policy.text), 'policy (base64 and text)');
  need('policy.yaml.sig.json', isObject(b.signature) && str(b.signature.text), 'signature.text');
  need('public_key.pem', b.public_key === null || (isObject(b.public_key) && str(b.public_key.pem)), 'public_key');
  need('approval.json', isObject(b.approval) && isObject(b.approval.decision), 'approval (with its decision)');
  need('publish_plan.json', isObject(b.publish_plan), 'publish_plan');
  need(
    'evidence/chain.json',
    isObject(evidence) && Array.isArray(evidence.records) && Array.isArray(evidence.chain) && isObject(evidence.head),
    'evidence (records, chain, head)',
  );
  need('manifest', isObject(b.manifest) && isObject(b.manifest.parts), 'manifest.parts');
  return problems;
}

export function verifyEvidenceBundle(input: unknown, pin?: string): BundleVerdict {
  const verdict = (problems: BundleProblem[], fields: Partial<BundleVerdict> = {}): BundleVerdict => {
    const base = { pack_id: null, policy_file_digest: null, approval_id: null, key_fingerprint: null, pinned: pin !== undefined };
    const v = { ...base, ...fields };
    if (problems.length)
      return { ...v, status: 'failed', problems, message: `bundle verification failed: ${problems.length} problem(s)` };
    if (pin !== undefined)
      return {
        ...v,
        status: 'verified',
        problems,
        message: `verified: the bundle is self-consistent and signed by the pinned key ${pin}`,
      };
    return {
      ...v,
      status: 'self-consistent',
      problems,
      message:
        'the bundle is self-consistent; no key is pinned, so who signed it is not verified (a bundle re-signed with a swapped key is self-consistent too): pass --trusted-key-fingerprint',
    };
  };
  if (!isObject(input)) return verdict([{ part: 'bundle', message: 'not a JSON object' }]);
  const shape = shapeProblems(input);
  if (shape.length) return verdict(shape);
  const b = input as unknown as EvidenceBundle;
  const problems: BundleProblem[] = [];
  const add = (part: string, message: string) => problems.push({ part, message });

  // policy.yaml: the bytes, and the text a reader sees, must be the same thing.
  const bytes = new Uint8Array(Buffer.from(b.policy.base64, 'base64'));
  if (Buffer.from(bytes).toString('base64') !== b.policy.base64) add('policy.yaml', 'policy.base64 is not valid base64');
  if (Buffer.from(bytes).toString('utf8') !== b.policy.text) {
    const text = Buffer.from(bytes).toString('utf8').split('\n');
    const shown = b.policy.text.split('\n');
    const line = text.findIndex((l, i) => l !== shown[i]);
    add('policy.yaml', `policy.text differs from the bytes in policy.base64 at line ${(line < 0 ? text.length : line) + 1}`);
  }
  const fileDigest = sha256Of(bytes);

  // The manifest: every part present, none added, each with the digest recorded at export.
  const actual = bundlePartDigests(b, bytes);
  for (const [part, expected] of Object.entries(b.manifest.parts)) {
    if (!(part in actual)) {
      add(
        part,
        part.startsWith('evidence/seq-')
          ? `${part} is listed in the manifest but missing from the bundle: the record was removed`
          : `${part} is listed in the manifest but missing from the bundle`,
      );
    } else if (actual[part] !== expected) {
      add(part, `${part} changed: the manifest says ${expected}, its content hashes to ${actual[part]}`);
    }
  }
  for (const part of Object.keys(actual)) {
    if (!(part in b.manifest.parts)) add(part, `${part} is in the bundle but not in the manifest: it was added after export`);
  }

  // The signature over the bytes, with the bundle's own key.
  const signed = verifyPolicySignature(bytes, b.signature.text, {
    publicKeyPems: b.public_key ? [b.public_key.pem] : [],
    sigFile: 'policy.yaml.sig.json',
  });
  if (!signed.ok) add(signed.problem === 'digest-mismatch' ? 'policy.yaml' : 'policy.yaml.sig.json', signed.message);
  let fingerprint: string | null = null;
  if (b.public_key) {
    try {
      fingerprint = publicKeyFingerprint(b.public_key.pem);
      if (b.public_key.fingerprint !== fingerprint)
        add('public_key.pem', `public_key.fingerprint says ${b.public_key.fingerprint}, the key's fingerprint is ${fingerprint}`);
    } catch (error) {
      add('public_key.pem', `not an Ed25519 public key: ${(error as Error).message}`);
    }
  }
  if (pin !== undefined) {
    if (!fingerprint)
      add(
        'public_key.pem',
        `a key is pinned (${pin}) but the bundle has no Ed25519 public key: signed ${signed.algorithm ?? 'without a key'}`,
      );
    else if (fingerprint !== pin)
      add(
        'public_key.pem',
        `signed by key ${fingerprint}, not by the pinned key ${pin}: the bundle was re-signed with another key`,
      );
  }

  // The evidence: each record intact, each one a link of a chain that runs from genesis to the head.
  const { records, chain, head } = b.evidence;
  chain.forEach((link, i) => {
    if (link.seq !== i + 1)
      add('evidence/chain.json', `chain position ${i + 1} holds seq ${link.seq}: links were removed or reordered`);
    const prev = i === 0 ? GENESIS : chain[i - 1].record_hash;
    if (link.prev_hash !== prev)
      add(
        'evidence/chain.json',
        `seq ${link.seq} does not chain to seq ${i}: expected prev_hash ${prev}, found ${link.prev_hash}`,
      );
  });
  const last = chain[chain.length - 1];
  if (!last || last.seq !== head.seq || last.record_hash !== head.record_hash)
    add(
      'evidence/chain.json',
      `the chain ends at seq ${last?.seq ?? 0} but the head is seq ${head.seq}: the chain was cut or the head altered`,
    );
  for (const record of records) {
    const part = recordPart(record.seq);
    const recomputed = recordHash(record);
    if (recomputed !== record.record_hash)
      add(
        part,
        `evidence record seq ${record.seq} (${record.event}) was altered: its content hashes to ${recomputed}, its record_hash says ${record.record_hash}`,
      );
    const link = chain[record.seq - 1];
    if (!link || link.record_hash !== record.record_hash || link.prev_hash !== record.prev_hash)
      add(part, `evidence record seq ${record.seq} (${record.event}) is not the record the chain holds at seq ${record.seq}`);
  }

  // The provenance itself: a publish record of these bytes and this signature, under this approval.
  const publish = publishRecordFor(records, b.pack_id, fileDigest);
  const approval = b.approval;
  const decision = approval.decision as { policy_id?: unknown; policy_digest?: unknown };
  let digest: string | null = null;
  try {
    digest = policyDigest(loadPolicyValue(Buffer.from(bytes).toString('utf8'), 'policy.yaml'));
  } catch (error) {
    add('policy.yaml', `does not load as a policy: ${(error as Error).message}`);
  }
  if (!publish) {
    add(
      'evidence',
      `no publish record of ${b.pack_id} for these policy.yaml bytes (${fileDigest}): the policy was changed after publishing, or the record was removed`,
    );
  } else {
    const sigDigest = sha256Of(new Uint8Array(Buffer.from(b.signature.text, 'utf8')));
    if (publish.digests.signature_file_digest !== undefined && publish.digests.signature_file_digest !== sigDigest)
      add(
        'policy.yaml.sig.json',
        `not the signature published with these bytes: the publish record (seq ${publish.seq}) says ${publish.digests.signature_file_digest}, this one is ${sigDigest}; it was re-signed after publishing`,
      );
    if (!publish.approval_ids.includes(approval.approval_id))
      add(
        'approval.json',
        `holds approval ${approval.approval_id}, but the publish record (seq ${publish.seq}) names ${publish.approval_ids.join(', ') || 'none'}: the approval was swapped`,
      );
    if (digest && publish.digests.policy_digest !== digest)
      add(
        'evidence',
        `the publish record (seq ${publish.seq}) says policy digest ${publish.digests.policy_digest}, the policy's digest is ${digest}`,
      );
  }
  if (approval.state !== 'approved' && approval.state !== 'break_glass')
    add('approval.json', `approval ${approval.approval_id} is ${approval.state}: a publish needs approved or break_glass`);
  if (decision.policy_id !== b.pack_id)
    add('approval.json', `approval ${approval.approval_id} is for pack ${JSON.stringify(decision.policy_id)}, not ${b.pack_id}`);
  if (digest && decision.policy_digest !== digest)
    add(
      'approval.json',
      `approval ${approval.approval_id} is bound to digest ${String(decision.policy_digest)}, but policy.yaml has digest ${digest}`,
    );
  const decided = records.find(
    (r) => (r.event === 'approve' || r.event === 'break_glass') && r.approval_ids.includes(approval.approval_id),
  );
  if (!decided)
    add(
      'evidence',
      `no approve or break_glass record for approval ${approval.approval_id}: who decided it is not in the evidence`,
    );
  else if (approval.decided_by !== undefined && decided.actor !== approval.decided_by)
    add(
      'approval.json',
      `says decided by ${approval.decided_by}, but the evidence record seq ${decided.seq} (${decided.event}) says ${decided.actor}`,
    );
  if (digest && b.publish_plan.policy_digest !== null && b.publish_plan.policy_digest !== digest)
    add('publish_plan.json', `the plan is for digest ${b.publish_plan.policy_digest}, policy.yaml has digest ${digest}`);

  return verdict(problems, {
    pack_id: b.pack_id,
    policy_file_digest: fileDigest,
    approval_id: approval.approval_id,
    key_fingerprint: fingerprint,
  });
}
