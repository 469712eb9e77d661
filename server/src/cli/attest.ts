// attest, attest verify: a PR's policy change as a Markdown summary for the PR comment and an in-toto
// Statement in a DSSE envelope for machines. The facts come from the workspace (git for what changed,
// the backend for signature state, evidence and approvals); the documents are built in provenance/.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { version as PACKAGE_VERSION } from '../../../package.json';
import type { ApprovalRecord, Backend, EvidenceRecord } from '../backend/backend';
import { writeFileAtomic } from '../backend/store';
import { publishEntryDiff } from '../policy/policyEntryDiff';
import { diffPolicies } from '../policy/policyDiff';
import { publishRisk } from '../policy/publishRisk';
import { loadPolicyValue } from '../policy/policyYaml';
import type { PyValue } from '../policy/pythonValues';
import { IN_TOTO_PAYLOAD_TYPE, dssePublicKeyPem, signDsse, verifyDsse } from '../provenance/dsse';
import { publishRecordFor, sha256Of } from '../provenance/evidenceBundle';
import {
  buildStatement,
  packConcerns,
  renderMarkdown,
  statementProblems,
  type ApprovalOutcome,
  type PackAttestation,
} from '../provenance/prAttestation';
import { SigningKeyError, keyFingerprint, publicKeyFromPrivate, publicKeySha256 } from '../signing';
import { InputError, UsageError } from './args';
import { openBackend, policyRootOf, workspaceRoot } from './backendFactory';
import type { CommandContext, CommandDef } from './command';
import { cannotRead, readJsonFile, readText } from './input';
import { DECISIONS_FLAG, decisionLogPath } from './impact';
import { impactDraft, parseImpactPack, publishedPacks, replayOverPacks } from '../backend/impactReplay';
import { impactSummaryOf, summarizeImpact } from '../policy/impactSummary';
import { DEFAULT_KEY_DIRECTORY } from './keys';
import { fields, print } from './output';

export const MARKDOWN_FILE = 'cavra-attestation.md';
export const ENVELOPE_FILE = 'cavra-attestation.intoto.json';

type PolicyObject = { [key: string]: PyValue };

function git(root: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (r.error) throw new InputError(`git is needed for --base: ${r.error.message}`);
  if (r.status !== 0) throw new InputError(`git ${args.join(' ')} failed in ${root}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Packs whose policy.yaml or signature differ from `base` in the working tree (untracked ones too). */
function changedPacks(root: string, policyRel: string, base: string): string[] {
  git(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  const paths = [
    ...git(root, ['diff', '--name-only', '--relative', base, '--', policyRel || '.']).split('\n'),
    ...git(root, ['ls-files', '--others', '--exclude-standard', '--', policyRel || '.']).split('\n'),
  ];
  const prefix = policyRel ? `${policyRel.split(sep).join('/')}/` : '';
  const ids = new Set<string>();
  for (const p of paths) {
    const m = /^([^/]+)\/policy\.yaml(\.sig\.json)?$/.exec(p.startsWith(prefix) ? p.slice(prefix.length) : '');
    if (m) ids.add(m[1]);
  }
  return [...ids].sort();
}

function baseText(root: string, path: string, base: string): string | undefined {
  const r = spawnSync('git', ['show', `${base}:./${path}`], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
}

function loadOrUndefined(text: string | undefined, file: string): PolicyObject | undefined {
  if (text === undefined) return undefined;
  try {
    const v = loadPolicyValue(text, file);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as PolicyObject) : undefined;
  } catch {
    return undefined;
  }
}

function outcome(a: ApprovalRecord): ApprovalOutcome {
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    approval_id: a.approval_id,
    state: a.state,
    approver_group: s(a.approver_group),
    decided_by: s(a.decided_by),
    decided_at: s(a.decided_at),
    external_ref: s(a.external_ref),
    break_glass: a.state === 'break_glass' || a.break_glass === true,
    break_glass_reason: s(a.break_glass_reason),
  };
}

async function attestPack(
  backend: Backend,
  ctx: CommandContext,
  id: string,
  records: EvidenceRecord[],
  base: string | undefined,
): Promise<PackAttestation> {
  const root = workspaceRoot(ctx);
  const file = join(policyRootOf(ctx), id, 'policy.yaml');
  const path = relative(root, file).split(sep).join('/');
  const bytes = existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
  const before = base ? loadOrUndefined(baseText(root, path, base), `${base}:${path}`) : undefined;
  const after = bytes ? loadOrUndefined(Buffer.from(bytes).toString('utf8'), path) : undefined;
  const changes = base ? publishEntryDiff(before ?? {}, after ?? {}) : null;
  if (!bytes) {
    return {
      policy_id: id,
      path,
      policy_file_digest: null,
      signature: { status: 'removed', algorithm: null, message: 'the pack was removed' },
      approval: null,
      approval_missing: 'the pack was removed by this change',
      publish_record_seq: null,
      risk: 'critical',
      changes,
    };
  }
  const fileDigest = sha256Of(bytes);
  const state = await backend.packState({ policy_id: id, policy_path: file });
  const publish = publishRecordFor(records, id, fileDigest);
  const approval = publish?.approval_ids[0] ? await backend.getApproval(publish.approval_ids[0]) : undefined;
  const request = approval && records.find((r) => r.event === 'publish_request' && r.approval_ids.includes(approval.approval_id));
  const risk =
    typeof request?.details.risk === 'string'
      ? request.details.risk
      : after
        ? publishRisk(before !== undefined, diffPolicies(before ?? {}, after))
        : null;
  return {
    policy_id: id,
    path,
    policy_file_digest: fileDigest,
    signature: { status: state.signature, algorithm: algorithmOf(file), message: state.signature_message },
    approval: approval ? outcome(approval) : null,
    approval_missing: approval
      ? null
      : `no publish record in the evidence log for these bytes (${fileDigest}): not published through an approval here, or edited after publishing`,
    publish_record_seq: publish?.seq ?? null,
    risk,
    changes,
    ...recordedImpact(publish),
  };
}

/** The impact the approver saw, kept with the publish record (backend/local/publishing.ts). */
function recordedImpact(publish: EvidenceRecord | undefined): Pick<PackAttestation, 'impact' | 'impact_source'> {
  const impact = impactSummaryOf(publish?.details.impact_summary);
  return impact ? { impact, impact_source: 'publish_record' } : {};
}

/**
 * `--decisions`: each attested pack's change replayed against the log, the pack at --base as published and
 * its bytes here as the draft (other changed packs stay at the base: each pack's own impact).
 */
async function measureImpact(ctx: CommandContext, backend: Backend, packs: PackAttestation[], base: string): Promise<void> {
  const logFile = ctx.opts.str('--decisions')!;
  const logPath = decisionLogPath(ctx, logFile);
  const root = workspaceRoot(ctx);
  const atBase = new Map(await publishedPacks(backend, undefined, root));
  for (const p of packs) {
    const text = baseText(root, p.path, base);
    const file = `${base}:${p.path}`;
    atBase.set(
      p.policy_id,
      text === undefined ? { text: '', file, error: `not in ${base}` } : { text, file, ...parseImpactPack(text, file) },
    );
  }
  for (const p of packs) {
    if (p.policy_file_digest === null) continue;
    let draft;
    try {
      draft = impactDraft(readFileSync(join(root, p.path), 'utf8'), p.path);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    let replayed;
    try {
      replayed = await replayOverPacks(atBase, { logPath, draft, displayRoot: root });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw cannotRead(logFile, e);
      throw e;
    }
    p.impact = summarizeImpact(logFile, replayed.log_sha256, replayed.summary, replayed.report);
    p.impact_source = 'attest';
  }
}

function algorithmOf(policyFile: string): string | null {
  try {
    const sig = JSON.parse(readFileSync(`${policyFile}.sig.json`, 'utf8')) as { algorithm?: unknown };
    return typeof sig.algorithm === 'string' ? sig.algorithm : null;
  } catch {
    return null;
  }
}

/**
 * The attestation key: --attestation-key; else the publishing key, i.e. the one private key in the key
 * directory whose public key signed every Ed25519-signed pack here. Keyless, HS256 and digest-only
 * packs have no publishing key to borrow.
 */
function attestationKey(ctx: CommandContext, packs: PackAttestation[]): { pem: string; source: string } {
  const given = ctx.opts.str('--attestation-key');
  if (given) return { pem: readText(given, ctx.cwd), source: given };
  const keyDir = resolve(workspaceRoot(ctx), ctx.opts.str('--key-dir') ?? DEFAULT_KEY_DIRECTORY);
  const signers = new Set<string>();
  for (const p of packs) {
    if (p.policy_file_digest === null) continue;
    try {
      const sig = JSON.parse(readFileSync(join(policyRootOf(ctx), p.policy_id, 'policy.yaml.sig.json'), 'utf8')) as {
        algorithm?: unknown;
        public_key_sha256?: unknown;
      };
      if (sig.algorithm === 'Ed25519' && typeof sig.public_key_sha256 === 'string') signers.add(sig.public_key_sha256);
    } catch {
      // unsigned or unreadable: no publishing key from this pack
    }
  }
  const privateKeys = existsSync(keyDir) ? readdirSync(keyDir).filter((f) => f.endsWith('.private.pem')) : [];
  if (signers.size === 1) {
    const [signer] = signers;
    for (const name of privateKeys.sort()) {
      const pem = readFileSync(join(keyDir, name), 'utf8');
      try {
        if (publicKeySha256(publicKeyFromPrivate(pem)) === signer) return { pem, source: join(keyDir, name) };
      } catch {
        // not a key of ours
      }
    }
  }
  const why =
    signers.size > 1
      ? 'the packs were published with different keys'
      : signers.size === 0
        ? 'no pack here is signed with Ed25519 (keyless, HS256 or digest-only publishes have no publishing key)'
        : `the publishing private key is not in ${keyDir}`;
  throw new UsageError(`no attestation key: ${why}; pass --attestation-key PEM (an Ed25519 PKCS#8 private key)`);
}

async function attest(ctx: CommandContext): Promise<number> {
  const base = ctx.opts.str('--base');
  const listed = ctx.opts.str('--packs');
  if (base === undefined && listed === undefined)
    throw new UsageError('attest needs --base GITREF (what changed since) or --packs a,b');
  if (base !== undefined && listed !== undefined) throw new UsageError('--base and --packs both given: choose one');
  if (ctx.opts.has('--decisions') && base === undefined)
    throw new UsageError('--decisions needs --base GITREF: the impact is the change from the base to these bytes');
  const root = workspaceRoot(ctx);
  const policyRel = relative(root, policyRootOf(ctx));
  const ids =
    listed !== undefined
      ? listed
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : changedPacks(root, policyRel, base!);
  for (const id of ids) if (!/^[^/\\\0:]+$/.test(id) || id === '..') throw new UsageError(`--packs: "${id}" is not a pack id`);
  if (!ids.length)
    throw new InputError(
      base ? `no pack under ${policyRel || '.'} changed since ${base}: nothing to attest` : '--packs names no pack',
    );
  const { backend } = await openBackend(ctx, 'attest');
  const records = (await backend.listEvidence({ limit: Number.MAX_SAFE_INTEGER })).items;
  const packs: PackAttestation[] = [];
  for (const id of ids) packs.push(await attestPack(backend, ctx, id, records, base));
  if (ctx.opts.has('--decisions')) await measureImpact(ctx, backend, packs, base!);
  if (listed !== undefined) {
    const missing = packs.filter((p) => p.policy_file_digest === null).map((p) => p.policy_id);
    if (missing.length) throw new InputError(`--packs: ${missing.join(', ')} not found under ${policyRootOf(ctx)}`);
  }
  const key = attestationKey(ctx, packs);
  let fingerprint: string;
  try {
    fingerprint = keyFingerprint(dssePublicKeyPem(key.pem));
  } catch (error) {
    if (error instanceof SigningKeyError) throw new InputError(`${key.source}: ${error.message}`);
    throw error;
  }
  const predicate = { generator: `cavra-policy ${PACKAGE_VERSION}`, base: base ?? null, packs };
  const statement = buildStatement(predicate);
  const envelope = signDsse(IN_TOTO_PAYLOAD_TYPE, new Uint8Array(Buffer.from(JSON.stringify(statement), 'utf8')), key.pem);
  const markdown = renderMarkdown(predicate, fingerprint);
  const dir = resolve(ctx.cwd, ctx.opts.str('--output-dir') ?? '.');
  writeFileAtomic(join(dir, MARKDOWN_FILE), markdown);
  writeFileAtomic(join(dir, ENVELOPE_FILE), `${JSON.stringify(envelope, null, 2)}\n`);
  const attention = packs.filter((p) => packConcerns(p).length);
  const result = {
    markdown_file: join(dir, MARKDOWN_FILE),
    envelope_file: join(dir, ENVELOPE_FILE),
    key_fingerprint: fingerprint,
    key_source: key.source,
    packs: packs.map((p) => ({ policy_id: p.policy_id, concerns: packConcerns(p), impact_changed: p.impact?.changed ?? null })),
    statement,
  };
  print(ctx, result, () => [
    `Wrote ${relative(ctx.cwd, result.markdown_file) || result.markdown_file} and ${relative(ctx.cwd, result.envelope_file) || result.envelope_file}`,
    ...packs.map(
      (p) =>
        `  ${p.policy_id}: ${packConcerns(p).join(', ') || 'approved, signed, verified'}${p.impact ? `; ${p.impact.changed} of ${p.impact.replayed} recorded decisions change` : ''}`,
    ),
    `Signed by Ed25519 key ${fingerprint}${attention.length ? `; ${attention.length} pack(s) need attention` : ''}`,
  ]);
  return 0;
}

function verifyAttestation(ctx: CommandContext): number {
  const file = ctx.opts.positionals[0];
  const keyFile = ctx.opts.str('--public-key')!;
  const envelope = readJsonFile(file, ctx.cwd, 'DSSE envelope');
  const pem = readText(keyFile, ctx.cwd);
  let checked;
  try {
    checked = verifyDsse(envelope, pem);
  } catch (error) {
    if (error instanceof SigningKeyError) throw new InputError(`${keyFile}: ${error.message}`);
    throw error;
  }
  const fail = (message: string): number => {
    if (ctx.opts.bool('--json')) print(ctx, { ok: false, file: resolve(ctx.cwd, file), message }, () => '');
    ctx.err(`cavra-policy: ${file}: ${message}`);
    return 1;
  };
  if (!checked.ok) return fail(checked.message);
  const payloadType = (envelope as { payloadType: string }).payloadType;
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail(`payloadType is "${payloadType}", expected "${IN_TOTO_PAYLOAD_TYPE}"`);
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(checked.payload).toString('utf8'));
  } catch {
    return fail('the signed payload is not JSON');
  }
  const problems = statementProblems(statement);
  if (problems.length) return fail(`the signed payload is not a valid policy attestation: ${problems.join('; ')}`);
  const s = statement as ReturnType<typeof buildStatement>;
  // With --root, the subjects are checked against the files under review too (a missing file is a mismatch).
  if (ctx.opts.has('--root')) {
    const root = workspaceRoot(ctx);
    const differing = s.subject.flatMap((x) => {
      const path = resolve(root, x.name);
      const actual = existsSync(path) ? sha256Of(new Uint8Array(readFileSync(path))).slice('sha256:'.length) : 'missing';
      return actual === x.digest.sha256
        ? []
        : [
            `${x.name} is ${actual === 'missing' ? 'missing' : `sha256:${actual}`}, the attestation says sha256:${x.digest.sha256}`,
          ];
    });
    if (differing.length) return fail(`the files under ${root} are not the attested ones: ${differing.join('; ')}`);
  }
  const result = {
    ok: true,
    file: resolve(ctx.cwd, file),
    key_fingerprint: keyFingerprint(pem),
    subjects: s.subject,
    packs: s.predicate.packs.map((p) => ({ policy_id: p.policy_id, approval: p.approval, concerns: packConcerns(p) })),
  };
  print(ctx, result, () => [
    `OK ${file}: DSSE signature verified with key ${result.key_fingerprint}; in-toto Statement v1, ${s.subject.length} subject(s)`,
    ...fields(s.subject.map((x) => [x.name, `sha256:${x.digest.sha256}`] as [string, unknown])),
    ...result.packs.map(
      (p) =>
        `  ${p.policy_id}: ${p.approval ? `${p.approval.approval_id} ${p.approval.state}` : 'no approval'}${p.concerns.length ? ` (${p.concerns.join(', ')})` : ''}`,
    ),
  ]);
  return 0;
}

export const attestCommands: CommandDef[] = [
  {
    name: 'attest',
    synopsis: '[--base GITREF [--decisions FILE] | --packs a,b] [--output-dir DIR] [--attestation-key PEM]',
    summary: 'Attest a policy change: a Markdown summary for the PR and a signed in-toto statement.',
    details:
      `Writes ${MARKDOWN_FILE} (each changed pack: rule changes against --base, risk, the approval that\n` +
      `published it, signature status, break-glass marked loudly) and ${ENVELOPE_FILE}: an in-toto\n` +
      'Statement v1 (subjects: the published policy.yaml files by SHA-256; predicate: the approval outcome)\n' +
      'in a DSSE envelope signed with Ed25519: --attestation-key, else the publishing key found in the key\n' +
      'directory. The packs: those whose policy.yaml or signature changed since --base (git), or --packs.\n' +
      "Each pack's impact on recorded activity is attested when known: with --decisions FILE (needs --base),\n" +
      'the log replayed against the pack at the base and its bytes here; else the impact kept with its publish\n' +
      'record (publish request --decisions, or the editor with cavra.impact.decisionLog).',
    positionals: { names: [], min: 0, max: 0, missing: '', extra: 'attest takes no arguments (use --packs a,b)' },
    flags: [
      {
        name: '--base',
        kind: 'string',
        value: 'GITREF',
        help: 'Attest the packs changed since this git ref (working tree included)',
      },
      { name: '--packs', kind: 'string', value: 'a,b', help: 'Attest these packs (comma-separated ids) instead' },
      { name: '--output-dir', kind: 'string', value: 'DIR', help: 'Where to write the two files (default: the current folder)' },
      {
        name: '--attestation-key',
        kind: 'string',
        value: 'PEM',
        help: 'Ed25519 private key (PKCS#8) to sign the attestation with',
      },
      {
        ...DECISIONS_FLAG,
        help: "A decision log: each pack's change (from --base) replayed against it, attested with the pack",
      },
      {
        name: '--key-dir',
        kind: 'string',
        value: 'DIR',
        help: `Where the publishing key is looked for (default: <root>/${DEFAULT_KEY_DIRECTORY})`,
      },
    ],
    common: ['--root', '--policy-dir', '--store', '--backend'],
    run: attest,
  },
  {
    name: 'attest verify',
    synopsis: 'FILE --public-key PEM [--root DIR]',
    summary: "Check an attestation: the DSSE signature with the key, and the in-toto statement's form.",
    details: 'With --root, each subject (a policy.yaml by SHA-256) is also compared with the file under DIR.',
    positionals: {
      names: ['FILE'],
      min: 1,
      max: 1,
      missing: 'attest verify needs an envelope file',
      extra: 'attest verify takes one file',
    },
    flags: [
      {
        name: '--public-key',
        kind: 'string',
        value: 'PEM',
        required: true,
        help: 'The Ed25519 public key the envelope must be signed with',
      },
    ],
    common: ['--root'],
    run: verifyAttestation,
  },
];
