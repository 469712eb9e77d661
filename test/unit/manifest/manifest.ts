// package.json as VS Code reads it: `%key%` strings replaced from package.nls.json (English, the default).
// Shared by the manifest tests so they judge the same text the workbench shows.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';

// A manifest is free-form JSON, read field by field.
export type Json = any;

export const NLS_KEY = /^%([^%\s]+)%$/;

export function readManifest(root = repoRoot): { manifest: Json; nls: Record<string, string> } {
  return {
    manifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')),
    nls: JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')),
  };
}

/** Every string of `value` with its JSON path (e.g. `contributes.commands[3].title`). */
export function strings(value: Json, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

/** The text VS Code shows for a manifest string: its package.nls.json entry when it is a `%key%`. */
export function localized(text: string, nls: Record<string, string>): string {
  const key = NLS_KEY.exec(text)?.[1];
  return key !== undefined && key in nls ? nls[key] : text;
}

/** `command:` links of a text (markdown links, as walkthroughs and view welcome content write them). */
export function commandLinks(text: string): string[] {
  return [...text.matchAll(/\]\(command:([\w.-]+)/g)].map((m) => m[1]);
}

/**
 * What is wrong with the walkthrough and the views' welcome content: a button or link naming a command the
 * manifest does not contribute, a step without a button, a step that never completes or completes on another
 * command than its buttons, a missing media file, a welcome text without the way to the walkthrough.
 */
export function walkthroughProblems(manifest: Json, nls: Record<string, string>, fileExists: (rel: string) => boolean): string[] {
  const problems: string[] = [];
  const contributes = manifest.contributes ?? {};
  const known = new Set<string>((contributes.commands ?? []).map((c: Json) => c.command));
  const walkthroughs: Json[] = contributes.walkthroughs ?? [];
  if (!walkthroughs.length) problems.push('contributes.walkthroughs is empty');
  const checkLinks = (where: string, text: string) => {
    for (const id of commandLinks(text)) if (!known.has(id)) problems.push(`${where}: links to unknown command ${id}`);
  };
  walkthroughs.forEach((w, wi) => {
    (w.steps ?? []).forEach((step: Json, si: number) => {
      const where = `walkthroughs[${wi}].steps[${si}] (${step.id})`;
      const description = localized(String(step.description ?? ''), nls);
      checkLinks(where, description);
      // A link alone on its line is drawn as a button.
      const buttons = description
        .split('\n')
        .filter((line) => /^\[[^\]]+\]\(command:[\w.-]+\)$/.test(line.trim()))
        .flatMap(commandLinks);
      if (!buttons.length) problems.push(`${where}: no button (a command link alone on its line)`);
      const events: string[] = step.completionEvents ?? [];
      if (!events.length) problems.push(`${where}: no completionEvents`);
      for (const e of events) {
        const id = /^onCommand:(.+)$/.exec(e)?.[1];
        if (id && !known.has(id)) problems.push(`${where}: completes on unknown command ${id}`);
      }
      if (buttons.length && !buttons.some((b) => events.includes(`onCommand:${b}`)))
        problems.push(`${where}: its button (${buttons.join(', ')}) does not complete it`);
      const media = step.media ?? {};
      const files = [media.markdown, media.image, media.svg].filter((f): f is string => typeof f === 'string');
      if (!files.length) problems.push(`${where}: no media`);
      for (const f of files) {
        if (!fileExists(f)) problems.push(`${where}: media file ${f} is missing`);
        else if (f.endsWith('.md')) checkLinks(`${where} media ${f}`, readFileSync(join(repoRoot, f), 'utf8'));
      }
      if ((media.image || media.svg) && !media.altText) problems.push(`${where}: an image without altText`);
    });
  });
  (contributes.viewsWelcome ?? []).forEach((v: Json, i: number) => {
    const where = `viewsWelcome[${i}] (${v.view})`;
    const text = localized(String(v.contents ?? ''), nls);
    checkLinks(where, text);
    if (!commandLinks(text).includes('cavra.openWalkthrough')) problems.push(`${where}: no link to cavra.openWalkthrough`);
  });
  return problems;
}

export const fileInRepo = (rel: string): boolean => existsSync(join(repoRoot, rel));
