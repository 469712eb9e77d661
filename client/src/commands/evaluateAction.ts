// "What Would CAVRA Decide?": a developer picks an action and a target, optionally a runtime mode, and
// sees the decision CAVRA would give with the pack's inheritance merged (the server's `evaluate`, the
// same evaluator as `cavra-policy evaluate`), then acts on it: request approval, break glass, save it
// as a decision test, or open the rule that decided.
import * as vscode from 'vscode';
import { applyPolicyMode, POLICY_MODES, RuleLocationRequest, type Decision, type PolicyMode } from '../../../server/src/protocol';
import { policyRootOf } from '../policyRoot';
import { requireTrust } from '../trust';
import { showWorkflowError } from '../workflowClient';
import { chooseFolder, type FolderTarget } from '../workspaceFolder';
import type { CommandContext } from './context';

// Functions, not constants: the localized text is looked up when shown, not when the module loads.
const ACTIONS = (): { id: string; label: string; prompt: string }[] => [
  { id: 'read_file', label: 'read_file', prompt: vscode.l10n.t('A path, e.g. .env or secrets/prod.pem') },
  { id: 'write_file', label: 'write_file', prompt: vscode.l10n.t('A path, e.g. infra/iam/admin-role.tf') },
  {
    id: 'execute_command',
    label: 'execute_command',
    prompt: vscode.l10n.t('A command line, e.g. terraform apply -auto-approve'),
  },
  { id: 'git_operation', label: 'git_operation (push)', prompt: vscode.l10n.t('The ref pushed to, e.g. origin/main') },
  { id: 'mcp_tool_call', label: 'mcp_tool_call', prompt: vscode.l10n.t('server:tool, e.g. github:create_pull_request') },
];

const MODE_HELP = (): Record<PolicyMode, string> => ({
  enforce: vscode.l10n.t('keep the decision of the rules (default)'),
  audit_only: vscode.l10n.t('record, do not block'),
  strict: vscode.l10n.t('actions the rules allow need approval'),
  break_glass: vscode.l10n.t('block unless an actor and a reason are given, then allow only with attestation'),
});

/** The pack of the active policy editor (`<root>/<id>/policy*.yaml`), if any. */
function activePackId(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'cavra-policy') return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  if (!folder) return undefined;
  const root = policyRootOf(folder.uri).path.replace(/\/+$/, '');
  const rel = doc.uri.path.startsWith(`${root}/`) ? doc.uri.path.slice(root.length + 1).split('/') : [];
  return rel.length === 2 ? rel[0] : undefined;
}

async function pickPack(ctx: CommandContext, target: FolderTarget): Promise<string | undefined> {
  const active = activePackId();
  const catalog = await ctx.workflows.call('catalog', { ...target.params });
  const ids = catalog.items.map((i) => String(i.id));
  if (!ids.length) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('No policy packs to evaluate against: create one with "CAVRA: Create Policy Pack".'),
    );
    return undefined;
  }
  if (active && ids.includes(active)) return active;
  const pick = await vscode.window.showQuickPick(ids, {
    title: vscode.l10n.t('What would CAVRA decide? (1/4) pack'),
    ignoreFocusOut: true,
  });
  return pick;
}

/** The matched pattern and its list, from the decision CAVRA gives (rule id + "Matched … policy: <pattern>"). */
function matchedEntry(d: Decision): { list: string; pattern: string } | undefined {
  const m = /^Matched [a-z -]+ policy: (.*)$/.exec(String(d.reason ?? ''));
  if (!m) return undefined;
  // CAVRA's rule id → the list (section.key) whose pattern decided.
  const lists: Record<string, string> = {
    'filesystem.read.block': 'filesystem.block_read',
    'filesystem.write.block': 'filesystem.block_write',
    'filesystem.write.require_approval': 'filesystem.require_approval_write',
    'commands.block': 'commands.block',
    'commands.allow': 'commands.allow',
  };
  const list = lists[String(d.rule_id)];
  return list ? { list, pattern: m[1] } : undefined;
}

/**
 * Opens the rule that decided: the server says which file of the pack or its ancestors writes the
 * pattern (the merge lint and `evaluate` use, open text over disk), so nothing here re-reads `inherits`.
 */
async function goToRule(
  ctx: CommandContext,
  target: FolderTarget,
  pack: string,
  entry: { list: string; pattern: string },
): Promise<boolean> {
  const folder = target.folder ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return false;
  const uri = vscode.Uri.joinPath(policyRootOf(folder.uri), pack, 'policy.yaml').toString();
  const at = await ctx.language.sendRequest(RuleLocationRequest, { uri, packId: pack, list: entry.list, pattern: entry.pattern });
  if (!at) return false;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(at.uri));
  const start = new vscode.Position(at.range.start.line, at.range.start.character);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, start) });
  return true;
}

/** What a rule's hover link fills in (server/src/language/hover.ts): the pack, the action and a sample target. */
interface Preset {
  pack?: string;
  action_type?: string;
  target?: string;
}

function presetOf(arg: unknown): Preset {
  if (typeof arg !== 'object' || arg === null) return {};
  const p = arg as Record<string, unknown>;
  const text = (k: string) => (typeof p[k] === 'string' && p[k] ? p[k] : undefined);
  const action = text('action_type');
  return { pack: text('pack'), action_type: ACTIONS().some((a) => a.id === action) ? action : undefined, target: text('target') };
}

/** `arg`: from a rule's hover, the pack, action and sample target to start from (the target stays editable). */
export async function evaluateAction(ctx: CommandContext, arg?: unknown): Promise<void> {
  try {
    const preset = presetOf(arg);
    const target = await chooseFolder(undefined, vscode.l10n.t('What Would CAVRA Decide?'));
    if (!target) return;
    const pack = preset.pack ?? (await pickPack(ctx, target));
    if (!pack) return;
    const action = preset.action_type
      ? { id: preset.action_type }
      : await vscode.window.showQuickPick(
          ACTIONS().map((a) => ({ label: a.label, id: a.id, description: a.prompt })),
          { title: vscode.l10n.t('What would CAVRA decide? (2/4) action on {0}', pack), ignoreFocusOut: true },
        );
    if (!action) return;
    const actionTarget = await vscode.window.showInputBox({
      title: vscode.l10n.t('What would CAVRA decide? (3/4) {0} target', action.id),
      prompt: ACTIONS().find((a) => a.id === action.id)!.prompt,
      value: preset.target,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A target is required')),
    });
    if (!actionTarget?.trim()) return;
    const modePick = await vscode.window.showQuickPick(
      POLICY_MODES.map((m) => ({ label: m, description: MODE_HELP()[m], picked: m === 'enforce' })).sort(
        (a, b) => Number(b.label === 'enforce') - Number(a.label === 'enforce'),
      ),
      { title: vscode.l10n.t('What would CAVRA decide? (4/4) runtime policy mode (SPEC 2.5)'), ignoreFocusOut: true },
    );
    if (!modePick) return;
    const mode = modePick.label;
    const claim: { actor?: string; reason?: string } = {};
    if (mode === 'break_glass') {
      claim.actor = await vscode.window.showInputBox({
        title: vscode.l10n.t('break_glass: actor (empty: none)'),
        ignoreFocusOut: true,
      });
      if (claim.actor === undefined) return;
      claim.reason = await vscode.window.showInputBox({
        title: vscode.l10n.t('break_glass: reason (empty: none)'),
        ignoreFocusOut: true,
      });
      if (claim.reason === undefined) return;
    }
    const decision = await ctx.workflows.call('evaluate', {
      ...target.params,
      action_type: action.id,
      target: actionTarget.trim(),
      policy_pack: pack,
    });
    const applied = applyPolicyMode(String(decision.decision), mode, claim);
    const entry = matchedEntry(decision);
    const headline =
      mode === 'enforce'
        ? `${String(decision.decision).toUpperCase()}: ${action.id} ${actionTarget.trim()}`
        : vscode.l10n.t(
            '{0} under {1} (the rules say {2}): {3} {4}',
            applied.effective_decision.toUpperCase(),
            mode,
            String(decision.decision),
            action.id,
            actionTarget.trim(),
          );
    const detail = [
      vscode.l10n.t('pack {0} (inheritance merged)', pack),
      vscode.l10n.t('rule {0} · severity {1}', String(decision.rule_id), String(decision.severity)),
      String(decision.reason),
      decision.approver_group ? vscode.l10n.t('approver group {0}', String(decision.approver_group)) : '',
      mode === 'enforce'
        ? ''
        : applied.evidence_required
          ? vscode.l10n.t('mode: {0}; evidence required', applied.mode_reason)
          : vscode.l10n.t('mode: {0}', applied.mode_reason),
      vscode.l10n.t('decision {0} · {1}', String(decision.decision_id), await ctx.backendName()),
    ]
      .filter(Boolean)
      .join('\n');
    ctx.log.info(`evaluate: ${headline}\n${detail}`);
    const goTo = vscode.l10n.t('Go to Rule');
    const request = vscode.l10n.t('Request Approval');
    const breakGlass = vscode.l10n.t('Break Glass');
    const save = vscode.l10n.t('Save as Decision Test');
    const actions = [
      ...(entry ? [goTo] : []),
      ...(decision.decision !== 'allow' ? [request] : []),
      ...(decision.decision === 'block' ? [breakGlass] : []),
      save,
    ];
    const choice = await vscode.window.showInformationMessage(headline, { modal: true, detail }, ...actions);
    if (choice === goTo && entry) {
      if (!(await goToRule(ctx, target, pack, entry)))
        void vscode.window.showWarningMessage(
          vscode.l10n.t('`{0}` was not found as a list entry in {1} or its parents.', entry.pattern, pack),
        );
    } else if (choice === request) {
      if (!requireTrust(vscode.l10n.t('Requesting an approval'))) return;
      const requestedBy = target.config.get<string>('actor') || undefined;
      const approval = await ctx.workflows.call('createApproval', { ...target.params, decision, requested_by: requestedBy });
      ctx.refreshAll();
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          "Approval {0} requested from {1} (CAVRA's routing rules, else the decision's group); expires {2}.",
          approval.approval_id,
          approval.approver_group,
          approval.expires_at,
        ),
      );
    } else if (choice === breakGlass) {
      await vscode.commands.executeCommand('cavra.breakGlass', { decision });
    } else if (choice === save) {
      await saveDecisionTest(target, pack, action.id, actionTarget.trim(), decision);
    }
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('What Would CAVRA Decide?'), e, ctx.log);
  }
}

/** Appends the case to `policies/<pack>/policy.tests.yaml` (created when missing) and opens it there. */
async function saveDecisionTest(where: FolderTarget, pack: string, action: string, target: string, d: Decision): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Saving a decision test'))) return;
  const folder = where.folder ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  const uri = vscode.Uri.joinPath(policyRootOf(folder.uri), pack, 'policy.tests.yaml');
  let text = 'cases:\n';
  try {
    text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  } catch {
    // no test file yet: this case starts it
  }
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `  - name: ${q(`${action} ${target}`)}`,
    `    action: ${action}`,
    `    target: ${q(target)}`,
    `    expect: {decision: ${String(d.decision)}, rule_id: ${q(String(d.rule_id))}}`,
  ];
  // Appended under `cases:` when that is the file's last top-level key; any other shape is left to the author.
  const topLevel = [...text.matchAll(/^([A-Za-z_][\w-]*):/gm)].map((m) => m[1]);
  if (topLevel.at(-1) !== 'cases') {
    await vscode.env.clipboard.writeText(lines.join('\n'));
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        '{0} does not end with its `cases:` list; the case was copied to the clipboard to paste where it belongs.',
        vscode.workspace.asRelativePath(uri),
      ),
    );
    return;
  }
  const next = `${text.replace(/\s*$/, '\n')}${lines.join('\n')}\n`;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(next, 'utf8'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(doc.lineCount - 5, 0, doc.lineCount - 5, 0) });
}
