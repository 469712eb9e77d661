// Hover on a section or list key of a pack with parents: how many of the merged entries there are
// inherited, and from which packs (the parents' merge lint already holds for this version).
import { isMapping, type PyValue } from '../policy/pythonValues';
import type { Analysis } from './analysis';
import type { YamlPath } from './parse/policyDocument';
import { ruleList } from './parse/ruleLists';

const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;

export function inheritedNote(a: Analysis, path: YamlPath): string | undefined {
  const inherited = a.findings?.inherited.inherited;
  if (!inherited?.effective || !path.length || path.length > 2 || path[0] === 'metadata') return undefined;
  if (path.some((s) => typeof s !== 'string')) return undefined;
  const prefix = path.join('.');
  const keys = new Set([...inherited.listKeys()].filter((k) => (path.length === 1 ? k.startsWith(`${prefix}.`) : k === prefix)));
  const value = a.doc.value;
  const section: PyValue | undefined = isMapping(value) ? value[String(path[0])] : undefined;
  const own = new Map<string, PyValue[]>();
  if (isMapping(section)) {
    for (const [k, v] of Object.entries(section)) {
      const listKey = `${String(path[0])}.${k}`;
      if (Array.isArray(v) && (path.length === 1 || listKey === prefix)) {
        own.set(listKey, v);
        keys.add(listKey);
      }
    }
  }
  if (!keys.size) return undefined;
  const byPack = new Map<string, number>();
  let total = 0;
  for (const k of keys) {
    for (const e of inherited.entries(k)) {
      byPack.set(e.pack, (byPack.get(e.pack) ?? 0) + 1);
      total++;
    }
  }
  let added = 0;
  let repeated = 0;
  for (const [k, list] of own) {
    for (const item of list) {
      if (typeof item === 'string' && inherited.withText(k, item)) repeated++;
      else added++;
    }
  }
  const parents = inherited.parents.map((p) => `\`${p}\``).join(', ');
  const from = [...byPack].map(([pack, n]) => `${n} from \`${pack}\``).join(', ');
  return [
    total
      ? `**Inherited:** ${entries(total)} (${from}), merged from ${parents} before this pack.`
      : `**Inherited:** nothing here from ${parents}.`,
    `This pack adds ${entries(added)}${repeated ? `, and repeats ${entries(repeated)} already inherited (CAVRA's merge drops the repeats)` : ''}.`,
  ].join('\n\n');
}

/** On a pattern an inherited rule makes dead: that rule, its pack and line (the verdict lint holds). */
export function inheritedShadow(a: Analysis, listKey: string, index: number): string | undefined {
  const rules = a.findings?.inherited;
  const entry = ruleList(a.doc, listKey)?.entries[index];
  const verdict = entry && rules?.verdictOf(entry);
  if (!rules || !verdict) return undefined;
  const where = rules.inherited?.location(verdict.by);
  const at = `in \`${verdict.strong ?? listKey}\` of \`${verdict.by.pack}\`${where ? ` (line ${where.line})` : ''}, inherited`;
  if (verdict.kind === 'unreachable')
    return `${JSON.stringify(verdict.by.text)} ${at} — checked first, so this entry never fires`;
  if (verdict.kind === 'duplicate')
    return `${JSON.stringify(verdict.by.text)} ${at} — the same entry; CAVRA's merge drops this one`;
  return `${JSON.stringify(verdict.by.text)} ${at} — already matches every target of this entry`;
}
