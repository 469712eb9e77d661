// The whole chain in the editor, over a real stdio LSP connection: a pack published through an approval
// with an Ed25519 key has no finding; edited and signed again with the same key by `cavra-policy sign`
// (the CLI as a process), its signature still verifies, but the file gets a "signed outside an
// approval" diagnostic and pack state (the Packs view and status bar) says so. A break-glass publish
// is verified but flagged with a warning.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { WorkflowRequests } from '../../server/src/protocol';
import { cli, cliJson } from '../cli/cliProcess';
import { LspClient } from '../lsp/lspClient';
import { tempWorkspace, type TempWorkspace } from '../lsp/tempWorkspace';

const PACK = 'cavra-pay';
const FILE = `policies/${PACK}/policy.yaml`;
const DRAFT = `metadata:
  id: ${PACK}
  title: Payments
  description: Payment platform controls.
  version: "1"
commands:
  block:
    - "terraform apply*"
`;

describe('the publish chain in the editor: diagnostic and pack state over LSP', function () {
  this.timeout(60_000);
  let ws: TempWorkspace;
  let client: LspClient;
  let uri: string;

  beforeEach(async () => {
    ws = tempWorkspace({ [FILE]: DRAFT });
    // The editor's default key directory: its public key is trusted, its private key signs.
    cliJson(ws.root, ['keygen', '--output', '.cavra/policy-signing', '--key-id', 'release']);
    uri = pathToFileURL(join(ws.root, FILE)).href;
    client = await LspClient.start({ workspace: ws.root });
  });
  afterEach(async () => {
    await client.stop();
    ws.remove();
  });

  it('an edit re-signed with cavra-policy sign is flagged "signed outside an approval" on the file', async () => {
    const c = client.connection;
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    const approvalId = request.approval.approval_id;
    await c.sendRequest(WorkflowRequests.approve, { approval_id: approvalId, actor: 'alice', reason: 'reviewed' });
    const published = await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: approvalId, key_id: 'release' });
    assert.equal(published.signature_message, 'verified Ed25519 signature');
    const state = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(state?.provenance?.state, 'verified');
    assert.equal(state?.provenance?.approval_id, approvalId);
    await client.open(uri, readFileSync(join(ws.root, FILE), 'utf8'));
    assert.deepEqual(await client.diagnostics(uri), [], 'published through an approval: nothing to report');
    await client.close(uri);

    const file = join(ws.root, FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('terraform apply*', 'terraform plan*'));
    const signed = cli(ws.root, [
      'sign',
      FILE,
      '--private-key',
      '.cavra/policy-signing/release.private.pem',
      '--key-id',
      'release',
    ]);
    assert.equal(signed.status, 0, signed.stderr);
    await client.filesChanged([FILE, `${FILE}.sig.json`]);
    const flagged = await client.publishedFor(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'publish-provenance'),
      'the re-signed pack flagged',
    );
    const d = flagged.diagnostics.find((x) => x.code === 'publish-provenance')!;
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.range.start.line, 0);
    assert.match(
      String(d.message),
      /^Published pack: signed outside an approval: these bytes \(sha256:[0-9a-f]{64}\) were signed by local with cavra-policy sign/,
    );
    assert.match(String(d.message), /Do not sign them again: .*Plan Publish → Request Publish Approval → Publish Signed/);
    assert.ok(!flagged.diagnostics.some((x) => x.code === 'signature-mismatch'), 'the signature itself verifies');

    const after = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(after?.signature, 'verified');
    assert.deepEqual(
      [after?.provenance?.state, after?.provenance?.label],
      ['signed-outside-approval', 'signed outside an approval'],
    );
  });

  it('a break-glass publish is verified but flagged with a warning', async () => {
    const c = client.connection;
    const request = await c.sendRequest(WorkflowRequests.publishRequest, { uri });
    writeFileSync(join(ws.root, 'decision.json'), JSON.stringify(request.approval.decision));
    const bg = cliJson<{ approval_id: string }>(ws.root, [
      'approval',
      'break-glass',
      'decision.json',
      '--actor',
      'oncall',
      '--reason',
      'payments outage',
    ]);
    await c.sendRequest(WorkflowRequests.publish, { uri, approval_id: bg.approval_id, key_id: 'release' });
    await client.open(uri, readFileSync(join(ws.root, FILE), 'utf8'));
    const [d] = await client.diagnostics(uri);
    assert.equal(d?.code, 'publish-provenance');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.match(
      String(d.message),
      new RegExp(`^Published pack: break-glass publish: .*under break-glass approval ${bg.approval_id} by oncall`),
    );
    const state = await c.sendRequest(WorkflowRequests.packState, { uri });
    assert.equal(state?.provenance?.outcome, 'flag');
  });
});
