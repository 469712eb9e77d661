// A pull request's policy change, attested: what changed in each pack, under which approval it was
// published, and whether its signature holds. One in-toto Statement v1 for machines (subjects: the
// published policy.yaml files by SHA-256; predicate: the approval outcome) and one Markdown summary for
// the people reviewing the PR. Pure: the CLI gathers the facts.
import { impactSummaryLines, type ImpactSummary } from '../policy/impactSummary';
import { entryDiffLines, type PolicyEntryDiff } from '../policy/policyEntryDiff';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** Ours: a URN, since this project owns no web address to name it by. */
export const POLICY_APPROVAL_PREDICATE = 'urn:cavra-policy-studio:attestation:policy-approval:v1';

export interface ApprovalOutcome {
  approval_id: string;
  state: string;
  approver_group: string | null;
  decided_by: string | null;
  decided_at: string | null;
  external_ref: string | null;
  break_glass: boolean;
  break_glass_reason: string | null;
}

export interface PackAttestation {
  policy_id: string;
  /** Relative to the workspace, `/`-separated: the subject's name. */
  path: string;
  /** Null when the pack was removed by the change. */
  policy_file_digest: string | null;
  /** verified, modified, invalid, unsigned, unknown, or removed. */
  signature: { status: string; algorithm: string | null; message: string };
  /** The approval the evidence's publish record of exactly these bytes names; null when there is none. */
  approval: ApprovalOutcome | null;
  /** Why there is no approval, when there is none. */
  approval_missing: string | null;
  publish_record_seq: number | null;
  risk: string | null;
  /** Entry by entry against the base; null without a base. */
  changes: PolicyEntryDiff | null;
  /**
   * The change's impact on recorded agent activity (policy/impactSummary.ts): replayed by `attest --decisions`
   * (the pack at the base against these bytes), else the one the approver saw (kept with the publish
   * record); absent when neither exists.
   */
  impact?: ImpactSummary;
  /** Where `impact` comes from: `attest` (measured now) or `publish_record` (as requested and approved). */
  impact_source?: 'attest' | 'publish_record';
}

export interface PolicyApprovalPredicate {
  generator: string;
  base: string | null;
  packs: PackAttestation[];
}

export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof POLICY_APPROVAL_PREDICATE;
  predicate: PolicyApprovalPredicate;
}

export function buildStatement(predicate: PolicyApprovalPredicate): InTotoStatement {
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: predicate.packs
      .filter((p) => p.policy_file_digest !== null)
      .map((p) => ({ name: p.path, digest: { sha256: p.policy_file_digest!.replace(/^sha256:/, '') } })),
    predicateType: POLICY_APPROVAL_PREDICATE,
    predicate,
  };
}

/** What makes a pack's state worth a reviewer's stop: anything short of approved, signed and verified. */
export function packConcerns(p: PackAttestation): string[] {
  const out: string[] = [];
  if (p.approval?.break_glass) out.push('break-glass publish');
  if (!p.approval && p.policy_file_digest !== null) out.push('no approval');
  if (p.policy_file_digest !== null && p.signature.status !== 'verified') out.push(`signature ${p.signature.status}`);
  return out;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string | null) => (s ? s.replace(/\|/g, '\\|').replace(/\n/g, ' ') : '—');

export function renderMarkdown(predicate: PolicyApprovalPredicate, keyFingerprint: string): string {
  const lines: string[] = ['## CAVRA policy attestation', ''];
  const breakGlass = predicate.packs.filter((p) => p.approval?.break_glass);
  if (breakGlass.length) {
    lines.push(
      `> [!CAUTION]`,
      `> **BREAK-GLASS PUBLISH** of ${breakGlass.map((p) => code(p.policy_id)).join(', ')}: published under an emergency override, not a normal approval. Review it now.`,
      '',
    );
  }
  const concerns = predicate.packs.filter((p) => packConcerns(p).length);
  lines.push(
    `${predicate.packs.length} pack(s) changed${predicate.base ? ` against ${code(predicate.base)}` : ''}; ${concerns.length ? `**${concerns.length} need attention**` : 'all approved, signed and verified'}.`,
    '',
    '| pack | risk | approval | state | approver group | decided by | external ref | signature |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const p of predicate.packs) {
    const a = p.approval;
    const state = a ? (a.break_glass ? `**BREAK-GLASS** (${a.state})` : a.state) : '**none**';
    lines.push(
      `| ${code(p.policy_id)} | ${cell(p.risk)} | ${a ? code(a.approval_id) : '—'} | ${state} | ${cell(a?.approver_group ?? null)} | ${cell(a?.decided_by ?? null)} | ${cell(a?.external_ref ?? null)} | ${p.signature.status === 'verified' ? 'verified' : `**${p.signature.status}**`} |`,
    );
  }
  for (const p of predicate.packs) {
    lines.push('', `### ${code(p.policy_id)}`, '');
    if (p.policy_file_digest) lines.push(`- file: ${code(p.path)} ${code(p.policy_file_digest)}`);
    else lines.push(`- file: ${code(p.path)} was removed`);
    if (p.approval?.break_glass)
      lines.push(
        `- :rotating_light: **BREAK-GLASS**: ${cell(p.approval.break_glass_reason)} (by ${cell(p.approval.decided_by)})`,
      );
    if (!p.approval && p.approval_missing) lines.push(`- :warning: **no approval**: ${p.approval_missing}`);
    lines.push(
      `- signature: ${p.signature.status}${p.signature.algorithm ? ` (${p.signature.algorithm})` : ''}: ${p.signature.message}`,
    );
    if (!p.changes) lines.push('- rule changes: not computed (no `--base` given)');
    else {
      const changes = entryDiffLines(p.changes);
      if (!changes.length) lines.push('- rule changes: none');
      else lines.push('- rule changes:', '', '```diff', ...changes, '```');
    }
    if (p.impact) {
      const [headline, ...rest] = impactSummaryLines(p.impact);
      const source = p.impact_source === 'attest' ? 'replayed for this attestation' : 'as requested and approved';
      // Targets come from agents' logs: fenced, so none of them is read as Markdown.
      lines.push(
        `- ${cell(headline.replace(/^Impact/, 'impact'))} (${source}):`,
        '',
        '```text',
        ...rest.map((l) => l.replace(/```/g, "'''")),
        '```',
      );
    }
  }
  lines.push(
    '',
    `Attestation: in-toto Statement v1 in a DSSE envelope, signed by Ed25519 key ${code(keyFingerprint)}; check it with ${code('cavra-policy attest verify FILE --public-key PEM')}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** The Statement's own rules (in-toto Statement v1 and our predicate type); problems in words. */
export function statementProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['the payload is not a JSON object'];
  const s = value as { [key: string]: unknown };
  const out: string[] = [];
  if (s._type !== IN_TOTO_STATEMENT_TYPE)
    out.push(`_type is ${JSON.stringify(s._type ?? null)}, expected "${IN_TOTO_STATEMENT_TYPE}"`);
  if (!Array.isArray(s.subject) || !s.subject.length) out.push('subject must be a non-empty list');
  else
    (s.subject as { name?: unknown; digest?: { sha256?: unknown } }[]).forEach((subject, i) => {
      if (typeof subject?.name !== 'string') out.push(`subject[${i}] has no name`);
      if (typeof subject?.digest?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(subject.digest.sha256))
        out.push(`subject[${i}] has no sha256 digest (64 lowercase hex digits)`);
    });
  if (s.predicateType !== POLICY_APPROVAL_PREDICATE)
    out.push(`predicateType is ${JSON.stringify(s.predicateType ?? null)}, expected "${POLICY_APPROVAL_PREDICATE}"`);
  if (typeof s.predicate !== 'object' || s.predicate === null) out.push('predicate is missing');
  return out;
}
