// The text of the effective-policy view: the merged pack exactly as CAVRA evaluates it (resolveInheritance
// through policy/effectivePolicy.ts), as YAML in which every list entry and metadata key names, in a
// comment, the pack it comes from. Asked for on demand (a command or code lens), never per keystroke.
import { fileURLToPath } from 'node:url';
import type { EffectivePolicy } from '../policy/effectivePolicy';
import { isMapping, PyFloat, pyFloatRepr, PyTimestamp, type PyValue } from '../policy/pythonValues';
import { effectivePolicyOf } from './inheritedPolicy';
import { packFolderOf } from './analysis';
import type { PackCatalog } from './packCatalog';
import { packFiles } from './packFiles';
import { PolicyDocument } from './parse/policyDocument';

/** What the view shows (protocol/effectivePolicy.ts carries it to the client as it is). */
export interface EffectivePolicyView {
  packId: string | null;
  packs: string[];
  text: string;
  error: string | null;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const key = (k: string) => (PLAIN_KEY.test(k) ? k : JSON.stringify(k));

/** A scalar as YAML that reads back as the same value (strings always quoted: no YAML 1.1 surprises). */
function scalar(v: PyValue): string {
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof PyTimestamp) return v.source;
  if (Array.isArray(v) || isMapping(v)) return JSON.stringify(v);
  return v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function renderValue(value: PyValue, indent: string, out: string[], label?: (index: number) => string): void {
  if (isMapping(value)) {
    for (const [k, v] of Object.entries(value)) renderEntry(k, v, indent, out);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(`${indent}- ${scalar(item)}${label ? label(i) : ''}`));
  }
}

function renderEntry(k: string, v: PyValue, indent: string, out: string[], comment = ''): void {
  const empty = (Array.isArray(v) && !v.length) || (isMapping(v) && !Object.keys(v).length);
  if ((Array.isArray(v) || isMapping(v)) && !empty) {
    out.push(`${indent}${key(k)}:${comment}`);
    renderValue(v, `${indent}  `, out);
  } else out.push(`${indent}${key(k)}: ${empty ? (Array.isArray(v) ? '[]' : '{}') : scalar(v)}${comment}`);
}

export function renderEffectivePolicy(packId: string, effective: EffectivePolicy): string {
  const out = [`# The policy CAVRA evaluates for ${packId} (read-only).`];
  // A pack without parents is used as written (inheritance.ts): no merge, no sorting.
  if (effective.packs.length > 1)
    out.push(
      `# Merged in CAVRA's order: ${effective.packs.join(', ')} (parents first, the pack itself last).`,
      '# Lists are concatenated without repeats and sorted; each entry names the pack it comes from.',
    );
  else out.push('# It inherits nothing: CAVRA evaluates it as written.');
  for (const [section, value] of Object.entries(effective.policy)) {
    if (section === 'metadata' && isMapping(value)) {
      out.push('metadata:');
      for (const [k, v] of Object.entries(value)) {
        const from = effective.metadata.get(k);
        renderEntry(k, v, '  ', out, from ? `  # from ${from}` : '');
      }
    } else if (isMapping(value) && Object.keys(value).length) {
      out.push(`${key(section)}:`);
      for (const [k, v] of Object.entries(value)) {
        const origins = effective.lists.get(`${section}.${k}`);
        if (!Array.isArray(v) || !v.length || !origins) {
          renderEntry(k, v, '  ', out);
          continue;
        }
        out.push(`  ${key(k)}:`);
        renderValue(v, '    ', out, (i) => (origins[i] ? `  # from ${origins[i].origin.pack}` : ''));
      }
    } else renderEntry(section, value, '', out);
  }
  return `${out.join('\n')}\n`;
}

/** The view of the pack written in `doc` (its text as typed), merged with its parents from the catalog. */
export function effectivePolicyView(
  catalog: PackCatalog,
  doc: PolicyDocument,
  packFolder: string | undefined,
): EffectivePolicyView {
  const value = doc.value;
  const meta = isMapping(value) && isMapping(value.metadata) ? value.metadata : {};
  const packId = typeof meta.id === 'string' && meta.id ? meta.id : packFolder;
  const failed = (error: string): EffectivePolicyView => ({
    packId: packId ?? null,
    packs: [],
    text: `# CAVRA cannot build the policy it would evaluate for ${packId ?? 'this file'}:\n# ${error.replace(/\n/g, '\n# ')}\n`,
    error,
  });
  if (!packId) return failed('the file has no `metadata.id` and is not in a pack folder under the policy root.');
  if (!isMapping(value)) return failed('the policy is not a YAML mapping ("Policy must be a YAML object").');
  const result = effectivePolicyOf(catalog, packId, doc);
  if ('error' in result) return failed(result.error);
  return { packId, packs: result.effective.packs, text: renderEffectivePolicy(packId, result.effective), error: null };
}

/** The view of a pack file that is not open in the editor: its text on disk. */
export function effectivePolicyViewOfFile(catalog: PackCatalog, uri: string): EffectivePolicyView {
  let file: string;
  let text: string;
  try {
    file = fileURLToPath(uri);
    text = packFiles()
      .readText(file)
      .replace(/^\uFEFF/, '');
  } catch (e) {
    const error = `cannot read ${uri}: ${(e as Error).message}`;
    return { packId: null, packs: [], text: `# ${error}\n`, error };
  }
  return effectivePolicyView(catalog, new PolicyDocument(uri, 0, text), packFolderOf(file, catalog));
}
