// A throwaway workspace holding CAVRA's baseline pack and two drafts of one new pack that differ in a
// single blocked command, for the authoring, approval and publish flows through the CLI.
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lsp/repoRoot';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';
import { cliJson } from './cliProcess';

export const PACK_ID = 'cavra-platform-baseline';

export const DRAFT_A = `metadata:
  id: ${PACK_ID}
  title: Platform Baseline
  description: Platform engineering controls.
  version: "2026.05"
  inherits: cavra-ai-agent-baseline
# the author's comment survives publishing
commands:
  block:
    - terraform apply -auto-approve
`;

export const DRAFT_B = DRAFT_A.replace('terraform apply -auto-approve', 'terraform destroy');

export function cavraWorkspace(files: Record<string, string> = {}): TempWorkspace {
  const ws = tempWorkspace({ 'drafts/a.yaml': DRAFT_A, 'drafts/b.yaml': DRAFT_B, ...files });
  cpSync(
    join(repoRoot, 'test', 'fixtures', 'policies', 'cavra-ai-agent-baseline'),
    join(ws.root, 'policies', 'cavra-ai-agent-baseline'),
    { recursive: true },
  );
  return ws;
}

/** Every file under a folder with its bytes, to prove a command wrote nothing. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p, `${prefix}${entry.name}/`);
      else out[`${prefix}${entry.name}`] = readFileSync(p, 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

interface RequestResult {
  approval: { approval_id: string; state: string; decision_id: string };
  plan: { policy_digest: string };
}

/** `request <draft>` then `approval approve`; returns the approval id. */
export function requestAndApprove(ws: TempWorkspace, draft: string, env: NodeJS.ProcessEnv = {}): string {
  const id = cliJson<RequestResult>(ws.root, ['request', draft], env).approval.approval_id;
  cliJson(ws.root, ['approval', 'approve', id, '--actor', 'alice', '--reason', 'reviewed'], env);
  return id;
}
