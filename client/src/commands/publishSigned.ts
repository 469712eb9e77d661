// Publish Signed: choose the approval bound to this draft's digest and a signing key, then write
// policy.yaml + policy.yaml.sig.json and show both paths with the verification result.
import * as vscode from 'vscode';
import type { ApprovalRecord } from '../../../server/src/protocol';
import { isOverdueNow } from '../approvalClock';
import { requireTrust } from '../trust';
import { renderPublishResult } from '../webview/render/publishResult';
import { showWorkflowError } from '../workflowClient';
import { folderOfUri, type FolderTarget } from '../workspaceFolder';
import { resolvePolicyUri, saveIfDirty } from './activePolicy';
import type { CommandContext } from './context';

async function pickApproval(
  ctx: CommandContext,
  target: FolderTarget,
  policyId: string,
  digest: string | null,
): Promise<string | undefined> {
  // The approvals of the draft's own folder: another folder's store cannot publish here.
  const list = await ctx.workflows.call('listApprovals', { ...target.params, limit: 500 });
  const candidates = list.items.filter(
    (a: ApprovalRecord) => a.decision?.action_type === 'policy_publish' && a.decision?.policy_id === policyId,
  );
  if (!candidates.length) {
    void vscode.window.showWarningMessage(
      `No publish approval for ${policyId} yet. Run "CAVRA: Request Publish Approval" first.`,
    );
    return undefined;
  }
  const usable = (a: ApprovalRecord) =>
    (a.state === 'approved' || a.state === 'break_glass') && !isOverdueNow(a) && (!digest || a.decision.policy_digest === digest);
  const items = candidates
    .sort((a, b) => Number(usable(b)) - Number(usable(a)))
    .map((a) => ({
      label: `${usable(a) ? '$(pass)' : '$(circle-slash)'} ${a.approval_id}`,
      description: `${a.state}${isOverdueNow(a) ? ' (expired)' : ''} · ${a.approver_group}`,
      detail:
        a.decision.policy_digest === digest
          ? `matches this draft (${String(a.decision.policy_digest)})`
          : `for another draft: ${String(a.decision.policy_digest)}`,
      id: a.approval_id,
    }));
  const pick = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: `Publish ${policyId} (1/2): approval`,
    placeHolder: 'Only an approved or break-glass approval for this exact draft digest can publish',
  });
  return pick?.id;
}

async function pickKey(
  target: FolderTarget,
  policyId: string,
): Promise<{ keyId?: string; externalSigner?: boolean } | undefined> {
  const { config, folder } = target;
  const dir = config.get<string>('signing.keyDirectory') ?? '.cavra/policy-signing';
  const keys = new Set<string>();
  if (folder) {
    try {
      // A public key in the folder names a key whose private half may sit in the user's key home.
      for (const [name] of await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folder.uri, dir))) {
        const id = /^(.+)\.(private|public)\.pem$/.exec(name)?.[1];
        if (id) keys.add(id);
      }
    } catch {
      // no key directory yet
    }
  }
  const preferred = config.get<string>('signing.keyId');
  const external = config.get<string>('signing.externalSigner');
  const items = [
    ...(external
      ? [{ label: '$(key) External signer', description: `${external} · Ed25519, key never read`, externalSigner: true }]
      : []),
    ...[...keys]
      .sort((a, b) => Number(b === preferred) - Number(a === preferred))
      .map((k) => ({ label: `$(key) ${k}`, description: `${k}.private.pem (key home or ${dir}) · Ed25519`, keyId: k })),
    {
      label: '$(shield) No private key',
      description: "HS256 with cavra.signing.hmacKeyEnv, else CAVRA's digest-only SHA256 form",
      keyId: undefined,
    },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: `Publish ${policyId} (2/2): signing key`,
    placeHolder: keys.size
      ? 'Ed25519 is what CAVRA recommends for GA signing'
      : `No keys in ${dir} (create one with: cavra-policy keygen --output ${dir} --key-id <id>)`,
  });
  return pick ? { keyId: 'keyId' in pick ? pick.keyId : undefined, externalSigner: 'externalSigner' in pick } : undefined;
}

export async function publishSigned(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust('Publishing a signed policy')) return;
  const uri = await resolvePolicyUri(arg);
  if (!uri) return;
  await saveIfDirty(uri);
  try {
    const draft = await ctx.workflows.call('draftPreview', { uri: uri.toString() });
    const policyId = String(draft.policy_pack.metadata.id ?? '');
    const plan = await ctx.workflows.call('publishPlan', { uri: uri.toString() });
    const target = folderOfUri(uri);
    const approvalId = await pickApproval(ctx, target, policyId, plan.policy_digest);
    if (!approvalId) return;
    const key = await pickKey(target, policyId);
    if (!key) return;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Publishing ${policyId}…`, cancellable: false },
      async (progress) => {
        progress.report({ message: 'checking the approval, writing policy.yaml and policy.yaml.sig.json' });
        return ctx.workflows.call('publish', {
          uri: uri.toString(),
          approval_id: approvalId,
          key_id: key.keyId,
          external_signer: key.externalSigner || undefined,
          signer: target.config.get<string>('actor') || undefined,
        });
      },
    );
    ctx.refreshAll();
    ctx.panels.show(
      'publishResult',
      `Published: ${result.policy_id}`,
      renderPublishResult(result, await ctx.backendName(target)),
    );
    void vscode.window.showInformationMessage(
      `Published ${result.policy_id}: ${result.signature_verified ? 'signature verified' : 'signature NOT verified'} (${result.signature_message}).`,
    );
  } catch (e) {
    await showWorkflowError('Publish Signed', e, ctx.log);
  }
}
