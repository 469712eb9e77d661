// Safe HTML for webviews: every value is escaped, scripts and styles run only with a per-render nonce,
// and the Content-Security-Policy starts from `default-src 'none'`.
import { randomBytes } from 'node:crypto';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(v);
}

/**
 * A translated sentence with markup inside it (a `<code>` name, a `<strong>` count): the message is
 * `vscode.l10n.t('… {0} …')` called without arguments, which returns it translated with its placeholders
 * kept, so a translator moves `{0}` where their language puts it. The sentence's text is escaped; each
 * `{n}` becomes its value as `html` renders it (escaped unless already `Html`).
 */
export function htmlSentence(message: string, ...values: unknown[]): Html {
  return new Html(
    message
      .split(/{(\d+)}/)
      .map((part, i) =>
        i % 2 === 0 ? escapeHtml(part) : Number(part) < values.length ? render(values[Number(part)]) : escapeHtml(`{${part}}`),
      )
      .join(''),
  );
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PageOptions {
  title: string;
  body: Html;
  /** The webview's cspSource (for the stylesheet URI). */
  cspSource: string;
  styleUri: string;
  nonce?: string;
  /** Inline script run with the page nonce (buttons post messages back to the extension). */
  script?: string;
  /** The display language (`vscode.env.language`): the page's text is in it once a translation is loaded. */
  lang?: string;
}

export function page(o: PageOptions): string {
  const nonce = o.nonce ?? newNonce();
  const csp = `default-src 'none'; style-src ${o.cspSource}; img-src ${o.cspSource} data:; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main>
${o.body.value}
</main>
${o.script ? `<script nonce="${nonce}">${o.script}</script>` : ''}
</body>
</html>`;
}
