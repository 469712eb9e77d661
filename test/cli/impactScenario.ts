// A workspace and a decision log for impact replay whose answer is known by construction: each category of
// recorded action names what the published packs decide for it and what the draft changes it to (and why).
// The test adds up the expected counts from these categories itself; the bench scales the same scenario.
import { randomBytes } from 'node:crypto';

export const APP = 'impact-app';

const PARENT_PACK = `metadata:
  id: impact-parent
  title: Impact Parent
  description: The pack impact-app inherits.
  version: "1"
filesystem:
  block_read:
    - "**/*.pem"
`;

/** Filler rules that no recorded action matches: a pack of realistic size for the bench. */
function filler(count: number): { block: string[]; allow: string[]; blockWrite: string[] } {
  const out = { block: [] as string[], allow: [] as string[], blockWrite: [] as string[] };
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) out.block.push(`filler-tool-${i} --force*`);
    else if (i % 3 === 1) out.allow.push(`filler-check-${i}*`);
    else out.blockWrite.push(`filler/${i}/**`);
  }
  return out;
}

const items = (list: string[]) => list.map((p) => `    - "${p}"\n`).join('');

function appPack(draft: boolean, extraRules: number): string {
  const f = filler(extraRules);
  return `metadata:
  id: ${APP}
  title: Impact App
  description: The pack the draft changes.
  version: "${draft ? 2 : 1}"
  inherits: impact-parent
filesystem:
${draft ? '  block_read:\n    - "**/.env"\n' : ''}  block_write:
    - "infra/**"
${draft ? '    - "deploy/**"\n' : ''}${items(f.blockWrite)}  require_approval_write:
    - "iam/**"
${draft ? '    - "secrets/**"\n' : ''}commands:
  block:
    - "terraform apply*"
${draft ? '    - "rm -rf*"\n' : ''}${items(f.block)}  allow:
    - "npm test*"
${draft ? '    - "make build*"\n' : '    - "terraform plan*"\n'}${items(f.allow)}mcp:
  allowed_servers:
    - github
${draft ? '    - jira\n' : ''}  block_unknown_servers: true
`;
}

const CHILD_PACK = `metadata:
  id: impact-child
  title: Impact Child
  description: Inherits impact-app, so the draft reaches it.
  version: "1"
  inherits: ${APP}
commands:
  allow:
    - "ls*"
`;

const OTHER_PACK = `metadata:
  id: impact-other
  title: Impact Other
  description: Unrelated to the draft.
  version: "1"
commands:
  allow:
    - "terraform plan*"
`;

export interface Decided {
  decision: string;
  rule_id: string;
  severity: string;
  approver_group: string | null;
}

const ALLOW = (rule: string): Decided => ({ decision: 'allow', rule_id: rule, severity: 'low', approver_group: null });
const BLOCK = (rule: string, severity = 'high'): Decided => ({
  decision: 'block',
  rule_id: rule,
  severity,
  approver_group: null,
});
const GATE = (rule: string, severity: string, group: string): Decided => ({
  decision: 'require_approval',
  rule_id: rule,
  severity,
  approver_group: group,
});
const CMD_DEFAULT = GATE('commands.default.require_approval', 'medium', 'Repository Owners');

/** Why a category changes: the list entry and the file whose line holds it. */
export interface ExpectedCause {
  kind: 'entry_added' | 'entry_removed' | 'setting';
  list: string;
  entry: string;
  file: 'draft' | 'published-app';
}

export interface Category {
  name: string;
  pack: string;
  action_type: string;
  target: (i: number) => string;
  requested_operation?: (i: number) => string;
  published: Decided;
  draft: Decided;
  cause?: ExpectedCause;
}

export const CATEGORIES: Category[] = [
  {
    name: 'env read newly blocked',
    pack: APP,
    action_type: 'read_file',
    target: (i) => `svc-${i}/.env`,
    published: ALLOW('filesystem.read.allow'),
    draft: BLOCK('filesystem.read.block'),
    cause: { kind: 'entry_added', list: 'filesystem.block_read', entry: '**/.env', file: 'draft' },
  },
  {
    name: 'pem read stays blocked (inherited)',
    pack: APP,
    action_type: 'read_file',
    target: (i) => `keys/k${i}.pem`,
    published: BLOCK('filesystem.read.block'),
    draft: BLOCK('filesystem.read.block'),
  },
  {
    name: 'docs read stays allowed',
    pack: APP,
    action_type: 'read_file',
    target: (i) => `docs/readme-${i}.md`,
    published: ALLOW('filesystem.read.allow'),
    draft: ALLOW('filesystem.read.allow'),
  },
  {
    name: 'deploy write newly blocked',
    pack: APP,
    action_type: 'write_file',
    target: (i) => `deploy/app-${i}.yaml`,
    published: ALLOW('filesystem.write.allow'),
    draft: BLOCK('filesystem.write.block'),
    cause: { kind: 'entry_added', list: 'filesystem.block_write', entry: 'deploy/**', file: 'draft' },
  },
  {
    name: 'secrets write newly gated',
    pack: APP,
    action_type: 'write_file',
    target: (i) => `secrets/s${i}.json`,
    published: ALLOW('filesystem.write.allow'),
    draft: GATE('filesystem.write.require_approval', 'high', 'Platform Security'),
    cause: { kind: 'entry_added', list: 'filesystem.require_approval_write', entry: 'secrets/**', file: 'draft' },
  },
  {
    name: 'iam write stays gated',
    pack: APP,
    action_type: 'write_file',
    target: (i) => `iam/role-${i}.json`,
    published: GATE('filesystem.write.require_approval', 'high', 'Platform Security'),
    draft: GATE('filesystem.write.require_approval', 'high', 'Platform Security'),
  },
  {
    name: 'infra write stays blocked',
    pack: APP,
    action_type: 'write_file',
    target: (i) => `infra/main-${i}.tf`,
    published: BLOCK('filesystem.write.block'),
    draft: BLOCK('filesystem.write.block'),
  },
  {
    name: 'terraform plan loses its allow',
    pack: APP,
    action_type: 'execute_command',
    target: (i) => `terraform plan -out plan-${i}`,
    published: ALLOW('commands.allow'),
    draft: CMD_DEFAULT,
    cause: { kind: 'entry_removed', list: 'commands.allow', entry: 'terraform plan*', file: 'published-app' },
  },
  {
    name: 'rm -rf newly blocked',
    pack: APP,
    action_type: 'execute_command',
    target: (i) => `rm -rf build-${i}`,
    published: CMD_DEFAULT,
    draft: BLOCK('commands.block'),
    cause: { kind: 'entry_added', list: 'commands.block', entry: 'rm -rf*', file: 'draft' },
  },
  {
    name: 'make build newly allowed',
    pack: APP,
    action_type: 'execute_command',
    target: (i) => `make build-${i}`,
    published: CMD_DEFAULT,
    draft: ALLOW('commands.allow'),
    cause: { kind: 'entry_added', list: 'commands.allow', entry: 'make build*', file: 'draft' },
  },
  {
    name: 'npm test stays allowed',
    pack: APP,
    action_type: 'execute_command',
    target: (i) => `npm test -- --shard ${i}`,
    published: ALLOW('commands.allow'),
    draft: ALLOW('commands.allow'),
  },
  {
    name: 'terraform apply stays blocked (critical)',
    pack: APP,
    action_type: 'execute_command',
    target: (i) => `terraform apply -target=mod${i}`,
    published: BLOCK('commands.block', 'critical'),
    draft: BLOCK('commands.block', 'critical'),
  },
  {
    name: 'push to main stays blocked',
    pack: APP,
    action_type: 'git_operation',
    target: () => 'origin/main',
    requested_operation: () => 'push',
    published: BLOCK('git.protected_branch.block_direct_push'),
    draft: BLOCK('git.protected_branch.block_direct_push'),
  },
  {
    name: 'push to a feature branch stays allowed',
    pack: APP,
    action_type: 'git_operation',
    target: (i) => `origin/agent/feature-${i}`,
    requested_operation: () => 'push',
    published: ALLOW('git.allow'),
    draft: ALLOW('git.allow'),
  },
  {
    name: 'jira calls newly allowed',
    pack: APP,
    action_type: 'mcp_tool_call',
    target: (i) => `jira:create_issue_${i % 7}`,
    requested_operation: (i) => `create_issue_${i % 7}`,
    published: BLOCK('mcp.server.trust.block_unknown'),
    draft: ALLOW('mcp.server.trust.allow'),
    cause: { kind: 'entry_added', list: 'mcp.allowed_servers', entry: 'jira', file: 'draft' },
  },
  {
    name: 'github calls stay allowed',
    pack: APP,
    action_type: 'mcp_tool_call',
    target: () => 'github:create_pull_request',
    requested_operation: () => 'create_pull_request',
    published: ALLOW('mcp.server.trust.allow'),
    draft: ALLOW('mcp.server.trust.allow'),
  },
  {
    name: 'unknown servers stay blocked',
    pack: APP,
    action_type: 'mcp_tool_call',
    target: (i) => `unknown-${i}:read`,
    requested_operation: () => 'read',
    published: BLOCK('mcp.server.trust.block_unknown'),
    draft: BLOCK('mcp.server.trust.block_unknown'),
  },
  {
    name: 'a child pack inherits the lost allow',
    pack: 'impact-child',
    action_type: 'execute_command',
    target: (i) => `terraform plan -var n=${i}`,
    published: ALLOW('commands.allow'),
    draft: CMD_DEFAULT,
    cause: { kind: 'entry_removed', list: 'commands.allow', entry: 'terraform plan*', file: 'published-app' },
  },
  {
    name: 'an unrelated pack is untouched',
    pack: 'impact-other',
    action_type: 'execute_command',
    target: (i) => `terraform plan -var n=${i}`,
    published: ALLOW('commands.allow'),
    draft: ALLOW('commands.allow'),
  },
];

export const AGENTS = ['agent-alpha', 'agent-beta', 'agent-gamma'];
export const REPOSITORIES = ['org/web', 'org/api', 'org/infra', 'org/docs'];

export interface ScenarioRecord {
  category: Category;
  agent: string;
  repository: string;
  /** The record says this instead of what the published pack decides (a log from an older pack). */
  recordedOtherwise: boolean;
}

export interface Scenario {
  files: Record<string, string>;
  /** Draft path inside the workspace. */
  draftPath: string;
  logLines: string[];
  records: ScenarioRecord[];
}

/**
 * `perCategory` records of each category, in a shuffled-by-stride order; every `disagreeEvery`-th record
 * of the "docs read" category is recorded as a block (so the published pack disagrees with it).
 */
export function impactScenario(perCategory: number, options: { extraRules?: number; disagreeEvery?: number } = {}): Scenario {
  const extra = options.extraRules ?? 0;
  const records: ScenarioRecord[] = [];
  const logLines: string[] = [];
  const now = Date.now();
  let n = 0;
  for (let i = 0; i < perCategory; i++) {
    for (const category of CATEGORIES) {
      const agent = AGENTS[n % AGENTS.length];
      const repository = REPOSITORIES[(n >> 1) % REPOSITORIES.length];
      const recordedOtherwise =
        options.disagreeEvery !== undefined && category.name === 'docs read stays allowed' && i % options.disagreeEvery === 0;
      const d = recordedOtherwise ? BLOCK('filesystem.read.block') : category.published;
      const id = `dec_${randomBytes(6).toString('hex')}`;
      const target = category.target(i);
      logLines.push(
        JSON.stringify({
          decision_id: id,
          session_id: `sess-${i % 11}`,
          agent_id: agent,
          actor: 'ai-agent',
          action_type: category.action_type,
          target,
          requested_operation:
            category.requested_operation?.(i) ??
            (category.action_type === 'read_file' ? 'read' : category.action_type === 'write_file' ? 'write' : target),
          policy_pack: category.pack,
          policy_id: category.pack,
          rule_id: d.rule_id,
          decision: d.decision,
          severity: d.severity,
          reason: 'recorded',
          evidence_refs: [`evidence://sess-${i % 11}/${id}`],
          approver_group: d.approver_group,
          // A week of activity ending now, so the log is as fresh on any day the suite runs.
          timestamp: new Date(now - 7 * 86400000 + n * 1000).toISOString().replace('Z', '+00:00'),
          correlation_id: `corr_${id.slice(4)}`,
          repository,
        }),
      );
      records.push({ category, agent, repository, recordedOtherwise });
      n++;
    }
  }
  return {
    files: {
      'policies/impact-parent/policy.yaml': PARENT_PACK,
      [`policies/${APP}/policy.yaml`]: appPack(false, extra),
      'policies/impact-child/policy.yaml': CHILD_PACK,
      'policies/impact-other/policy.yaml': OTHER_PACK,
      'drafts/impact-app.yaml': appPack(true, extra),
    },
    draftPath: 'drafts/impact-app.yaml',
    logLines,
    records,
  };
}

/** The 1-based line of the first line of `text` that lists `entry` as a quoted or bare list item. */
export function entryLineOf(text: string, entry: string): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trim() === `- "${entry}"` || l.trim() === `- ${entry}`);
  if (i < 0) throw new Error(`entry ${entry} not in the pack text`);
  return i + 1;
}

/** CAVRA's schema wants pack ids `cavra-…`: the scenario with its ids so named, for a publish request and a publish. */
export const PUBLISHABLE_APP = `cavra-${APP}`;

export function publishableScenario(perCategory: number, options: { extraRules?: number } = {}): Scenario {
  const s = impactScenario(perCategory, options);
  const rename = (text: string) => text.replace(/(?<![\w-])impact-(app|parent|child|other)\b/g, 'cavra-impact-$1');
  return {
    files: Object.fromEntries(Object.entries(s.files).map(([path, text]) => [rename(path), rename(text)])),
    draftPath: rename(s.draftPath),
    logLines: s.logLines.map(rename),
    records: s.records.map((r) => ({ ...r, category: { ...r.category, pack: rename(r.category.pack) } })),
  };
}
