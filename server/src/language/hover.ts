// Hover notes from the cached analysis: a key's meaning and runtime status (from the schema), what a
// pattern matches and what shadows it, and an inherited pack's title, description and rule counts.
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isScalar } from 'yaml';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { matchesEverything } from '../policy/glob';
import { POLICY_SECTIONS } from '../policy/draft';
import { sampleAction } from '../policy/sampleTarget';
import { totalRules } from '../policy/summary';
import { inheritedNote, inheritedShadow } from './inheritedHover';
import type { Analysis } from './analysis';
import { pathToString, type YamlPath } from './parse/policyDocument';
import { isEnforced, schemaAt } from './policySchema';
import { RULE_LIST_PATHS, type RuleEntry } from './parse/ruleLists';
import type { RuleActivity } from '../policy/ruleActivity';
import { ruleActivityHover } from './ruleActivity';

const STRONGER: Record<string, string[]> = {
  'commands.allow': ['commands.block'],
  'commands.require_approval': ['commands.block'],
  'filesystem.require_approval_write': ['filesystem.block_write'],
};

function keyHover(path: YamlPath, value?: unknown): string | undefined {
  const schema = schemaAt(path);
  if (!schema) return undefined;
  const lines = [`**${pathToString(path)}**`, '', schema.description ?? ''];
  if (schema.enum) {
    const chosen = typeof value === 'string' ? schema.enum.indexOf(value) : -1;
    if (chosen >= 0) lines.push('', `\`${value as string}\`: ${schema.enumDescriptions?.[chosen] ?? ''}`.trim());
    lines.push('', 'Allowed values:');
    schema.enum.forEach((v, i) =>
      lines.push(`- \`${v}\`${schema.enumDescriptions?.[i] ? ` — ${schema.enumDescriptions[i]}` : ''}`),
    );
  }
  if (schema.type === 'boolean') lines.push('', 'Allowed values: `true`, `false`.');
  if (schema.pattern) lines.push('', `Must match \`${schema.pattern}\`.`);
  const enforced = isEnforced(path);
  lines.push(
    '',
    enforced === false
      ? "_Declarative: CAVRA's runtime evaluator does not read this key._"
      : enforced
        ? "_Enforced: CAVRA's runtime evaluator reads this key._"
        : '',
  );
  return lines.join('\n').trim();
}

const rules = (n: number) => `${n} ${n === 1 ? 'rule' : 'rules'}`;

/** Text from another file shown as text: no links, images, HTML or emphasis of its own. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, '\\$&');
}

function patternHover(a: Analysis, listKey: string, index: number, text: string): string {
  const lines = [`**${JSON.stringify(text)}** in \`${listKey}\``, ''];
  if (listKey === 'metadata.inherits') {
    const pack = a.context.catalog.get(text);
    if (!pack) return [...lines, `No pack \`${text}\` under the policy root: CAVRA cannot load this parent.`].join('\n');
    const counts = POLICY_SECTIONS.filter((s) => pack.ruleCounts[s] > 0)
      .map((s) => `${s} ${pack.ruleCounts[s]}`)
      .join(' · ');
    const shown = `${basename(dirname(dirname(pack.file)))}/${pack.folder}/${basename(pack.file)}`;
    return [
      ...lines,
      `**${escapeMarkdown(pack.title ?? pack.id)}**${pack.version ? ` (version ${escapeMarkdown(pack.version)})` : ''}`,
      '',
      escapeMarkdown(pack.description ?? ''),
      '',
      `${rules(totalRules(pack.ruleCounts))}${counts ? `: ${counts}` : ''}`,
      '',
      `[${shown}](${pathToFileURL(pack.file).href})`,
    ].join('\n');
  }
  if (/^(mcp|compliance)\./.test(listKey)) {
    return [...lines, listKey.startsWith('mcp') ? 'An MCP server name, compared exactly.' : 'A control reference.'].join('\n');
  }
  if (matchesEverything(text)) lines.push('Matches **every** target.');
  else if (!text.includes('*'))
    lines.push(
      `Matches exactly ${JSON.stringify(text)} (the whole ${listKey.startsWith('commands') ? 'command string' : 'path'}).`,
    );
  else {
    const regex = `^${text
      .split(/\*+/)
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`;
    lines.push(
      `Matches the whole ${listKey.startsWith('commands') ? 'command string' : 'path'} against \`${regex}\`: \`*\` and \`**\` both match any characters, \`/\` included.`,
    );
  }
  // The cover indexes lint keeps answer "what covers this" without a pass over the lists.
  const shadows: string[] = [];
  const line = (e: RuleEntry) => a.doc.positionAt(e.node.range![0]).line + 1;
  for (const strongKey of STRONGER[listKey] ?? []) {
    for (const e of a.findings?.shadows.index(strongKey)?.findAll(text) ?? []) {
      if (shadows.length >= 5) break;
      shadows.push(`${JSON.stringify(e.text)} in \`${strongKey}\` (line ${line(e)}) — checked first, so this entry never fires`);
    }
  }
  for (const e of a.findings?.shadows.index(listKey)?.findAll(text) ?? []) {
    if (shadows.length >= 5) break;
    if (e.index !== index && e.text !== text) shadows.push(`${JSON.stringify(e.text)} (line ${line(e)}) in the same list`);
  }
  const inherited = inheritedShadow(a, listKey, index);
  if (inherited) shadows.push(inherited);
  if (shadows.length) lines.push('', 'Shadowed by:', ...shadows.map((s) => `- ${s}`));
  const enforced = isEnforced(listKey.split('.'));
  if (enforced === false) lines.push('', "_Declarative: CAVRA's runtime evaluator does not read this list._");
  const ask = askLink(a, listKey, text);
  if (ask) lines.push('', ask);
  return lines.join('\n');
}

/**
 * A link that asks "What would CAVRA decide?" for a sample action this entry names (policy/sampleTarget.ts),
 * against this pack with its inheritance merged. A `command:` link: the VS Code client trusts this one
 * command in hovers (client/src/extension.ts); another editor shows it as a plain link.
 */
function askLink(a: Analysis, listKey: string, text: string): string | undefined {
  const sample = a.packFolder ? sampleAction(listKey, text) : undefined;
  if (!sample) return undefined;
  const args = encodeURIComponent(JSON.stringify([{ pack: a.packFolder, ...sample }]));
  return `[What would CAVRA decide for ${sample.action_type} \`${sample.target.replace(/`/g, "'")}\`?](command:cavra.evaluateAction?${args})`;
}

/** `activity`: the decision log's counts per rule (language/ruleActivity.ts), when a log is set. */
export function hover(a: Analysis, position: Position, activity?: RuleActivity): Hover | null {
  const offset = a.doc.offsetAt(position);
  const at = a.doc.at(offset);
  if (at.path.length === 0) return null;
  let value: string | undefined;
  const last = at.path[at.path.length - 1];
  const listPath = at.path.slice(0, -1).join('.');
  const isListEntry = typeof last === 'number' && RULE_LIST_PATHS.some((p) => p.join('.') === listPath);
  const onValue = !at.onKey && !!at.node?.range && offset >= at.node.range[0] && offset <= at.node.range[1];
  if (isListEntry && isScalar(at.node) && typeof at.node.value === 'string') {
    value = patternHover(a, listPath, last, at.node.value);
    const recorded = ruleActivityHover(a, activity, listPath, at.node.value);
    if (recorded) value = `${value}\n\n${recorded}`;
  } else if (onValue && at.path.join('.') === 'metadata.inherits' && isScalar(at.node) && typeof at.node.value === 'string') {
    value = patternHover(a, 'metadata.inherits', 0, at.node.value);
  } else {
    value = keyHover(
      at.path.filter((s) => typeof s === 'string'),
      onValue && isScalar(at.node) ? at.node.value : undefined,
    );
    const note = at.onKey ? inheritedNote(a, at.path) : undefined;
    if (note) value = value ? `${value}\n\n${note}` : note;
  }
  if (!value) return null;
  // The range is what the cursor is over: the value when it is on a value, else the key.
  const range = onValue ? a.doc.nodeRange(at.node) : (a.doc.nodeRange(at.key) ?? a.doc.nodeRange(at.node));
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}
