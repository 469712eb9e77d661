// `vscode` for the webview renderers when tests load them outside VS Code (scripts/build.mjs maps the
// renderers' `import * as vscode from 'vscode'` here in the test bundle only; the extension bundle keeps
// the real API). It is VS Code's own English path of `vscode.l10n.t`, not an identity: with the default
// language VS Code formats the message with its arguments and no bundle (extHostLocalizationService
// `getMessage`, `format2` of vs/base/common/strings), which is what these lines do. The extension-host
// suite test/vscode/l10n.vscode.ts compares the two on the shipped bundle's messages.
import type * as vscode from 'vscode';

type Args = Array<string | number | boolean> | Record<string, unknown>;

/** `{0}`, `{name}`: each placeholder replaced by its argument, an unknown one left as written. */
function format(message: string, args: Args): string {
  const values = args as Record<string, unknown>;
  if (Object.keys(values).length === 0) return message;
  return message.replace(/{([^}]+)}/g, (match, key: string) => String(values[key] ?? match));
}

function t(...params: unknown[]): string {
  if (typeof params[0] === 'string') {
    const [message, ...rest] = params as [string, ...unknown[]];
    const args = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as Args) : (rest as Args);
    return format(message, args);
  }
  const { message, args } = params[0] as { message: string; args?: Args };
  return format(message, args ?? {});
}

export const l10n: typeof vscode.l10n = { t: t as typeof vscode.l10n.t, bundle: undefined, uri: undefined };
