// Hover notes from the cached analysis: a key's meaning and runtime status (from the schema), what a
// pattern matches and what shadows it, and an inherited pack's title, description and rule counts.
import { isScalar } from 'yaml';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { globCovers, matchesEverything } from '../policy/glob';
import { POLICY_SECTIONS } from '../policy/draft';
import { totalRules } from '../policy/summary';
import type { Analysis } from './languageService';
import { pathToString, type YamlPath } from './policyDocument';
import { isEnforced, schemaAt } from './policySchema';
import { ruleList, RULE_LIST_PATHS } from './ruleLists';

const STRONGER: Record<string, string[]> = {
  'commands.allow': ['commands.block'],
  'commands.require_approval': ['commands.block'],
  'filesystem.require_approval_write': ['filesystem.block_write'],
};

function keyHover(path: YamlPath): string | undefined {
  const schema = schemaAt(path);
  if (!schema) return undefined;
  const lines = [`**${pathToString(path)}**`, '', schema.description ?? ''];
  if (schema.enum) {
    lines.push('', 'Allowed values:');
    schema.enum.forEach((v, i) => lines.push(`- \`${v}\`${schema.enumDescriptions?.[i] ? ` — ${schema.enumDescriptions[i]}` : ''}`));
  }
  if (schema.type === 'boolean') lines.push('', 'Allowed values: `true`, `false`.');
  if (schema.pattern) lines.push('', `Must match \`${schema.pattern}\`.`);
  const enforced = isEnforced(path);
  lines.push('', enforced === false
    ? "_Declarative: CAVRA's runtime evaluator does not read this key._"
    : enforced ? "_Enforced: CAVRA's runtime evaluator reads this key._" : '');
  return lines.join('\n').trim();
}

function patternHover(a: Analysis, listKey: string, index: number, text: string): string {
  const lines = [`**${JSON.stringify(text)}** in \`${listKey}\``, ''];
  if (listKey === 'metadata.inherits') {
    const pack = a.context.catalog.get(text);
    if (!pack) return `${lines.join('\n')}No pack \`${text}\` under the policy root.`;
    const counts = POLICY_SECTIONS.filter((s) => pack.ruleCounts[s] > 0).map((s) => `${s} ${pack.ruleCounts[s]}`).join(' · ');
    return [...lines, `**${pack.title ?? pack.id}**${pack.version ? ` (version ${pack.version})` : ''}`, '', pack.description ?? '', '',
      `${totalRules(pack.ruleCounts)} rules${counts ? `: ${counts}` : ''}`, '', `\`${pack.file}\``].join('\n');
  }
  if (/^(mcp|compliance)\./.test(listKey)) {
    return [...lines, listKey.startsWith('mcp') ? 'An MCP server name, compared exactly.' : 'A control reference.'].join('\n');
  }
  if (matchesEverything(text)) lines.push('Matches **every** target.');
  else if (!text.includes('*')) lines.push(`Matches exactly ${JSON.stringify(text)} (the whole ${listKey.startsWith('commands') ? 'command string' : 'path'}).`);
  else {
    const regex = `^${text.split(/\*+/).map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`;
    lines.push(`Matches the whole ${listKey.startsWith('commands') ? 'command string' : 'path'} against \`${regex}\`: \`*\` and \`**\` both match any characters, \`/\` included.`);
  }
  const shadows: string[] = [];
  for (const strongKey of STRONGER[listKey] ?? []) {
    for (const e of ruleList(a.doc, strongKey)?.entries ?? []) {
      if (e.text !== undefined && globCovers(e.text, text)) shadows.push(`${JSON.stringify(e.text)} in \`${strongKey}\` (line ${a.doc.nodeRange(e.node)!.start.line + 1}) — checked first, so this entry never fires`);
      if (shadows.length >= 5) break;
    }
  }
  for (const e of ruleList(a.doc, listKey)?.entries ?? []) {
    if (shadows.length >= 5) break;
    if (e.index !== index && e.text !== undefined && e.text !== text && globCovers(e.text, text)) shadows.push(`${JSON.stringify(e.text)} (line ${a.doc.nodeRange(e.node)!.start.line + 1}) in the same list`);
  }
  if (shadows.length) lines.push('', 'Shadowed by:', ...shadows.map((s) => `- ${s}`));
  const enforced = isEnforced(listKey.split('.'));
  if (enforced === false) lines.push('', "_Declarative: CAVRA's runtime evaluator does not read this list._");
  return lines.join('\n');
}

export function hover(a: Analysis, position: Position): Hover | null {
  const offset = a.doc.offsetAt(position);
  const at = a.doc.at(offset);
  if (at.path.length === 0) return null;
  let value: string | undefined;
  let range = a.doc.nodeRange(at.onKey ? at.key : at.node);
  const last = at.path[at.path.length - 1];
  const listPath = at.path.slice(0, -1).join('.');
  const isListEntry = typeof last === 'number' && RULE_LIST_PATHS.some((p) => p.join('.') === listPath);
  const inheritsScalar = at.path.join('.') === 'metadata.inherits' && !at.onKey && isScalar(at.node) && typeof at.node.value === 'string';
  if (isListEntry && isScalar(at.node) && typeof at.node.value === 'string') {
    value = patternHover(a, listPath, last as number, at.node.value);
  } else if (inheritsScalar && isScalar(at.node)) {
    value = patternHover(a, 'metadata.inherits', 0, String(at.node.value));
  } else {
    const keyPath = at.path.filter((s) => typeof s === 'string');
    value = keyHover(keyPath);
    if (!at.onKey) range = a.doc.nodeRange(at.key) ?? range;
  }
  if (!value) return null;
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}
