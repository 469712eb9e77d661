// The pack a pack command acts on: the Packs view node it was run on, else one the user picks from the
// folder's catalog. Shared by Export Evidence Bundle and Show Pack History.
import * as vscode from 'vscode';
import type { FolderTarget } from '../workspaceFolder';
import type { CommandContext } from './context';

/** The pack id a Packs view node carries, when invoked from it. */
function packOfArg(arg: unknown): string | undefined {
  const node = arg as { kind?: unknown; item?: { id?: unknown } } | undefined;
  return node?.kind === 'pack' && typeof node.item?.id === 'string' ? node.item.id : undefined;
}

/** Undefined when the user cancels the pick. */
export async function packOfCommand(
  ctx: CommandContext,
  target: FolderTarget,
  arg: unknown,
  question: string,
): Promise<string | undefined> {
  const given = packOfArg(arg);
  if (given) return given;
  const catalog = await ctx.workflows.call('catalog', target.params);
  const picked = await vscode.window.showQuickPick(
    catalog.items.map((i) => ({ label: String(i.id), description: String(i.title ?? '') })),
    { title: question, ignoreFocusOut: true },
  );
  return picked?.label;
}
