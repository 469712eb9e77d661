// The editor's Export Evidence Bundle over a real stdio LSP connection: the server writes the bundle of
// a pack published (through the CLI, as a release pipeline would) under an approval with an Ed25519 key,
// and the file verifies against the pinned fingerprint; refusals come back as workflow errors.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { WorkflowRequests, type WorkflowErrorData } from '../../server/src/protocol';
import { verifyEvidenceBundle } from '../../server/src/provenance/bundleVerify';
import { publicKeyFingerprint } from '../../server/src/signing';
import { cli, cliJson } from '../cli/cliProcess';
import { PACK_ID, cavraWorkspace, requestAndApprove } from '../cli/cavraWorkspace';
import { LspClient } from '../lsp/lspClient';
import type { TempWorkspace } from '../lsp/tempWorkspace';

async function failure(p: Promise<unknown>): Promise<WorkflowErrorData> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, `expected a ResponseError, got ${String(e)}`);
    return e.data as WorkflowErrorData;
  }
  assert.fail('the request should have failed');
}

describe('Export Evidence Bundle over LSP (local backend)', function () {
  this.timeout(60_000);
  let ws: TempWorkspace;
  let client: LspClient;
  let approvalId: string;

  before(async () => {
    ws = cavraWorkspace();
    cliJson(ws.root, ['keygen', '--output', '.cavra/policy-signing', '--key-id', 'release']);
    approvalId = requestAndApprove(ws, 'drafts/a.yaml');
    const key = ['--private-key', '.cavra/policy-signing/release.private.pem', '--key-id', 'release'];
    assert.equal(cli(ws.root, ['publish', 'drafts/a.yaml', '--approval', approvalId, ...key]).status, 0);
    client = await LspClient.start({ workspace: ws.root });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it('writes the bundle where the user chose, and it verifies against the pinned key', async () => {
    const output = join(ws.root, 'exports', 'baseline.json');
    const r = await client.connection.sendRequest(WorkflowRequests.exportEvidenceBundle, {
      policy_id: PACK_ID,
      output_path: output,
    });
    const pin = publicKeyFingerprint(readFileSync(join(ws.root, '.cavra/policy-signing/release.public.pem'), 'utf8'));
    assert.deepEqual(
      [
        r.file,
        r.pack_id,
        r.approval_id,
        r.approval_state,
        r.key_fingerprint,
        r.signature_algorithm,
        r.evidence_records,
        r.chain_head,
      ],
      [output, PACK_ID, approvalId, 'approved', pin, 'Ed25519', [1, 2, 3], 3],
    );
    const verdict = verifyEvidenceBundle(JSON.parse(readFileSync(output, 'utf8')), pin);
    assert.deepEqual([verdict.status, verdict.problems], ['verified', []]);
  });

  it('refuses a pack that was never published and a relative output path, writing nothing', async () => {
    const output = join(ws.root, 'exports', 'none.json');
    const unpublished = await failure(
      client.connection.sendRequest(WorkflowRequests.exportEvidenceBundle, { policy_id: 'cavra-missing', output_path: output }),
    );
    assert.equal(unpublished.status, 400);
    assert.match(unpublished.detail, /^cavra-missing is not published: .*policy\.yaml does not exist$/);
    assert.equal(existsSync(output), false);
    const relative = await failure(
      client.connection.sendRequest(WorkflowRequests.exportEvidenceBundle, { policy_id: PACK_ID, output_path: 'b.json' }),
    );
    assert.equal(relative.detail, 'output_path must be an absolute file path, got "b.json"');
  });
});
