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
      vscode.l10n.t('No publish approval for {0} yet. Run "CAVRA: Request Publish Approval" first.', policyId),
    );
    return undefined;
  }
  const usable = (a: ApprovalRecord) =>
    (a.state === 'approved' || a.state === 'break_glass') && !isOverdueNow(a) && (!digest || a.decision.policy_digest === digest);
  const items = candidates
    .sort((a, b) => Number(usable(b)) - Number(usable(a)))
    .map((a) => ({
      label: `${usable(a) ? '$(pass)' : '$(circle-slash)'} ${a.approval_id}`,
      description: `${a.state}${isOverdueNow(a) ? vscode.l10n.t(' (expired)') : ''} · ${a.approver_group}`,
      detail:
        a.decision.policy_digest === digest
          ? vscode.l10n.t('matches this draft ({0})', String(a.decision.policy_digest))
          : vscode.l10n.t('for another draft: {0}', String(a.decision.policy_digest)),
      id: a.approval_id,
    }));
  const pick = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: vscode.l10n.t('Publish {0} (1/2): approval', policyId),
    placeHolder: vscode.l10n.t('Only an approved or break-glass approval for this exact draft digest can publish'),
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
      ? [
          {
            label: `$(key) ${vscode.l10n.t('External signer')}`,
            description: vscode.l10n.t('{0} · Ed25519, key never read', external),
            externalSigner: true,
          },
        ]
      : []),
    ...[...keys]
      .sort((a, b) => Number(b === preferred) - Number(a === preferred))
      .map((k) => ({
        label: `$(key) ${k}`,
        description: vscode.l10n.t('{0}.private.pem (key home or {1}) · Ed25519', k, dir),
        keyId: k,
      })),
    {
      label: `$(shield) ${vscode.l10n.t('No private key')}`,
      description: vscode.l10n.t("HS256 with cavra.signing.hmacKeyEnv, else CAVRA's digest-only SHA256 form"),
      keyId: undefined,
    },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: vscode.l10n.t('Publish {0} (2/2): signing key', policyId),
    placeHolder: keys.size
      ? vscode.l10n.t('Ed25519 is what CAVRA recommends for GA signing')
      : vscode.l10n.t('No keys in {0} (create one with: cavra-policy keygen --output {0} --key-id <id>)', dir),
  });
  return pick ? { keyId: 'keyId' in pick ? pick.keyId : undefined, externalSigner: 'externalSigner' in pick } : undefined;
}

export async function publishSigned(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!requireTrust(vscode.l10n.t('Publishing a signed policy'))) return;
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
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Publishing {0}…', policyId), cancellable: false },
      async (progress) => {
        progress.report({ message: vscode.l10n.t('checking the approval, writing policy.yaml and policy.yaml.sig.json') });
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
      vscode.l10n.t('Published: {0}', result.policy_id),
      renderPublishResult(result, await ctx.backendName(target)),
    );
    void vscode.window.showInformationMessage(
      result.signature_verified
        ? vscode.l10n.t('Published {0}: signature verified ({1}).', result.policy_id, result.signature_message)
        : vscode.l10n.t('Published {0}: signature NOT verified ({1}).', result.policy_id, result.signature_message),
    );
  } catch (e) {
    await showWorkflowError(vscode.l10n.t('Publish Signed'), e, ctx.log);
  }
}
