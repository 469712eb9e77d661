// Reading the small JSON/YAML objects the actor layer is configured with, the way CAVRA does
// (`_load_object_file`: YAML when the name ends in .yaml/.yml, JSON otherwise; the root must be an
// object; an empty YAML file is `{}`) [src/cavra/approvals.py], with errors that name the file.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { loadPolicyValue } from '../../policy/policyYaml';
import { ActorConfigError } from './errors';

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: a key such as `constructor` or `__proto__` never reads the prototype. */
export function own(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/**
 * @param description what the file is, for the not-found message (CAVRA's wording:
 *   "approval OIDC config file not found: <path>").
 */
export function loadObjectFile(file: string, description: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ActorConfigError(file, undefined, `${description} file not found`);
    if (code === 'EISDIR') throw new ActorConfigError(file, undefined, `${description} path is a directory, not a file`);
    throw new ActorConfigError(file, undefined, `cannot read ${description} file: ${(e as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    try {
      // PyYAML safe_load semantics; PyFloat/PyTimestamp become plain JSON values.
      const loaded = loadPolicyValue(text, file);
      value = loaded === null ? {} : JSON.parse(JSON.stringify(loaded));
    } catch (e) {
      const message = (e as Error).message;
      throw new ActorConfigError(file, undefined, message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message);
    }
  } else {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ActorConfigError(file, undefined, `invalid JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(value)) throw new ActorConfigError(file, undefined, `${description} file must contain an object`);
  return value;
}
