// Child process for the parser floor: a fresh Node process (cold JIT, like a freshly started server)
// reads a policy and times `yaml`'s parseDocument on it, module loading excluded. Prints JSON.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const text = readFileSync(process.argv[2], 'utf8');
const started = performance.now();
const doc = parseDocument(text);
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, errors: doc.errors.length }));
