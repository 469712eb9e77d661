// The agreement both fast readers are held to (the block reader, and the flow reader for packs written as
// JSON; readBlockYaml picks): whenever they read a text at all, the tree, ranges, document range, value
// and line starts `yaml` gives for it.
import { strict as assert } from 'node:assert';
import { readBlockYaml } from '../../../server/src/language/parse/blockYaml';
import { parsePolicyYaml } from '../../../server/src/policy/policyYaml';
import { treeShape, valueShape } from './incrementalTexts';

/** Asserts the readers agree with `yaml`; answers whether they read the text. */
export function readsAsYaml(text: string): boolean {
  const read = readBlockYaml(text);
  if (!read) return false;
  const reference = parsePolicyYaml(text);
  assert.deepEqual(
    reference.doc.errors.map((e) => e.code),
    [],
    `yaml finds errors in a text the reader read:\n${text}`,
  );
  assert.deepEqual(
    reference.doc.warnings.map((e) => e.code),
    [],
    `yaml warns about a text the reader read:\n${text}`,
  );
  assert.equal(reference.extraDocuments.length, 0);
  assert.deepEqual(treeShape(read.yaml.doc.contents), treeShape(reference.doc.contents), `trees differ for:\n${text}`);
  assert.deepEqual(read.yaml.doc.range, reference.doc.range, `document ranges differ for:\n${text}`);
  assert.deepEqual(valueShape(read.yaml.value), valueShape(reference.value), `values differ for:\n${text}`);
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  assert.deepEqual(read.lineStarts, starts, `line starts differ for:\n${text}`);
  return true;
}
