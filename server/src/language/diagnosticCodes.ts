// Every diagnostic code the server emits, with the words that explain it (README and hovers use these).

export const DIAGNOSTIC_CODES = {
  'yaml-syntax': 'The YAML does not parse.',
  'duplicate-key': 'A key appears twice in one mapping; CAVRA (PyYAML) silently keeps the last one.',
  'multiple-documents': 'CAVRA reads exactly one YAML document per policy file.',
  'not-a-mapping': 'A policy must be a YAML mapping ("Policy must be a YAML object").',
  'missing-field': 'A field the schema requires is missing.',
  'unknown-key': 'A key the schema forbids (filesystem and commands allow only their three lists).',
  'wrong-type': 'A value of the wrong type.',
  'invalid-value': 'A value outside the allowed set.',
  'invalid-id': 'A pack id that does not match ^cavra-[a-z0-9-]+$.',
  'empty-value': 'An empty string or list where the schema needs content.',
  schema: 'Any other schema violation.',
  'duplicate-entry': 'The same entry twice in one list (the schema requires unique items).',
  'unreachable-rule': 'A rule that can never fire because an earlier or stronger list already covers it.',
  'redundant-rule': 'A rule already covered by an earlier entry of the same list.',
  'matches-everything': 'A pattern that matches every target.',
  'unknown-inherits': '`inherits` names a pack that does not exist under the policy root.',
  'inheritance-cycle': 'Packs inherit from each other in a cycle.',
  'inherited-unreachable-rule': 'A rule that never fires in the merged pack: a stronger list of a parent pack already covers it.',
  'inherited-duplicate': "An entry a parent pack already lists; CAVRA's merge drops the repeat.",
  'inherited-redundant-rule': 'A rule already covered by an entry a parent pack lists in the same list.',
  'inherited-matches-everything':
    'A list that matches every target once merged, because a parent pack lists a match-everything pattern.',
  'inherited-mode':
    "`metadata.mode` differs from the parents'; the merge keeps the child's, and CAVRA's runtime does not read it.",
  'id-folder-mismatch': '`metadata.id` differs from the pack folder name.',
  'wrong-mode-vocabulary': 'A mode from another vocabulary (`strict` is a rollout mode; policy packs use `strict_regulated`).',
  'yaml11-difference': 'CAVRA (YAML 1.1) reads this value differently from YAML 1.2 tools.',
  'not-enforced': "CAVRA's runtime evaluator does not read this key: it is declarative only.",
  'dropped-by-draft': 'CAVRA drops this key when it builds a draft, so it is never published.',
  'file-too-large': 'The file is larger than the configured limit and was not analysed.',
  'signature-mismatch': 'The published policy no longer matches its policy.yaml.sig.json.',
  'publish-provenance':
    'The published policy verifies against its signature, but is not the one an approver approved (or was published by break-glass, or outside the studio).',
  'signature-not-pinned':
    "A valid signature by a key whose fingerprint is not pinned outside the repository (the user's settings, the key home).",
  'unused-rule':
    "An enforced rule of a published pack that decided no action in the decision log of cavra.impact.decisionLog (a hint, with the log's time span).",
  'private-key-in-workspace':
    'A private key file inside the workspace, where a commit would publish it: anyone who can read it can sign.',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** What a quick fix needs to know, carried in Diagnostic.data. */
export interface FixData {
  path: (string | number)[];
  /** Missing required fields (missing-field). */
  missing?: string[];
  /** A suggested replacement for the value (invalid-id, wrong-mode-vocabulary, yaml11-difference). */
  replacements?: string[];
}
