// How the editor's Publish Signed signs: the chosen key id (its private key in the key directory, or
// in the user's key home where keys belong), the external signer of the user's settings, or HMAC /
// digest-only. The external signer is a user or machine setting only (readFolderSettings never takes
// it from a workspace) and is empty in Restricted Mode, so a cloned repository never runs a command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError, type PublishSigning } from '../backend/backend';
import type { PublishParams } from '../protocol/workflows';
import { keyHome } from '../signing';
import { hmacKeyOf, inWorkspace, signingKeyDirectory, type WorkflowSettings } from './workspaceSettings';

export function publishSigning(
  s: WorkflowSettings,
  folder: string,
  p: Pick<PublishParams, 'key_id' | 'external_signer'>,
  env: NodeJS.ProcessEnv = process.env,
): PublishSigning {
  if (p.external_signer) {
    if (p.key_id) throw new BackendError(400, 'choose a key id or the external signer, not both');
    if (!s.trusted) throw new BackendError(403, 'Restricted Mode: the external signer is never run in an untrusted workspace');
    if (!s.externalSigner) {
      throw new BackendError(
        400,
        'no external signer is configured: set cavra.signing.externalSigner in your user settings (a workspace cannot set it)',
      );
    }
    if (!s.externalSignerPublicKey) {
      throw new BackendError(400, "cavra.signing.externalSignerPublicKey is empty: name the external signer's public key file");
    }
    const publicKeyFile = inWorkspace(folder, s.externalSignerPublicKey);
    return {
      key_id: p.key_id,
      external_signer: { command: s.externalSigner, public_key_pem: readKey(publicKeyFile), cwd: folder },
    };
  }
  if (!p.key_id) return { hmac_key: hmacKeyOf(s, env) };
  if (/[\\/]|\.\./.test(String(p.key_id))) throw new BackendError(400, `key id ${JSON.stringify(p.key_id)} is not a plain name`);
  const name = `${p.key_id}.private.pem`;
  const inFolder = join(signingKeyDirectory(s, folder), name);
  let pem: string;
  try {
    pem = readFileSync(inFolder, 'utf8');
  } catch (first) {
    // Keys made by `cavra-policy keygen` live in the key home; a workspace key still works (with a warning elsewhere).
    try {
      pem = readFileSync(join(keyHome(env), name), 'utf8');
    } catch {
      throw new BackendError(
        400,
        `cannot read the signing key ${inFolder}: ${(first as NodeJS.ErrnoException).code ?? 'unreadable'} (nor ${join(keyHome(env), name)})`,
      );
    }
  }
  return { private_key_pem: pem, key_id: p.key_id };
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new BackendError(
      400,
      `cannot read the external signer's public key ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
}
