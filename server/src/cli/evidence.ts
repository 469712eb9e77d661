// evidence verify: checks the hash chain of the workspace's evidence log and names the first record
// that was altered, removed or reordered.
import type { CommandContext, CommandDef } from './command';
import { openBackend, requireWorkspaceOperation } from './backendFactory';
import { print } from './output';

async function verifyEvidence(ctx: CommandContext): Promise<number> {
  const opened = await openBackend(ctx, 'evidence verify');
  const verify = requireWorkspaceOperation(opened, 'verifyEvidence', 'evidence verify');
  const result = await verify();
  if (result.ok) {
    print(ctx, result, () => `OK ${result.file}: ${result.records} record${result.records === 1 ? '' : 's'}, chain intact`);
    return 0;
  }
  if (ctx.opts.bool('--json')) print(ctx, result, () => '');
  const where =
    result.first_bad_line !== undefined
      ? ` at line ${result.first_bad_line}${result.first_bad_seq !== undefined ? ` (seq ${result.first_bad_seq})` : ''}`
      : '';
  ctx.err(`cavra-policy: evidence chain broken in ${result.file}${where}: ${result.message}`);
  return 1;
}

export const evidenceCommands: CommandDef[] = [
  {
    name: 'evidence verify',
    synopsis: '',
    summary: "Verify the evidence log's hash chain; exit 1 naming the first bad record.",
    positionals: { names: [], min: 0, max: 0, missing: '', extra: 'evidence verify takes no arguments' },
    flags: [],
    common: ['--root', '--backend'],
    run: verifyEvidence,
  },
];
