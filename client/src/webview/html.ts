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
}

export function page(o: PageOptions): string {
  const nonce = o.nonce ?? newNonce();
  const csp = `default-src 'none'; style-src ${o.cspSource}; img-src ${o.cspSource} data:; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
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
