// The approval routing file (`--routing-file`, $CAVRA_APPROVAL_ROUTING_FILE): JSON, or YAML by extension.
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { defaultRoutingRules, routingRulesFromPayload, RoutingFileError, type RoutingRule } from '../../policy/approvalRouting';
import { loadPolicyValue } from '../../policy/policyYaml';
import { BackendError } from '../backend';
import { describeJsonError } from '../store';

export function loadRoutingRules(file: string | undefined): RoutingRule[] {
  if (!file) return defaultRoutingRules();
  if (!existsSync(file)) throw new BackendError(400, `approval routing file not found: ${file}`);
  const text = readFileSync(file, 'utf8');
  let payload: unknown;
  try {
    if (['.yaml', '.yml'].includes(extname(file).toLowerCase())) payload = loadPolicyValue(text, file);
    else {
      try {
        payload = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file}: not valid JSON: ${describeJsonError(text, error)}`, { cause: error });
      }
    }
    return routingRulesFromPayload(payload as never);
  } catch (error) {
    if (error instanceof RoutingFileError) throw new BackendError(400, `${error.message} (${file})`);
    throw new BackendError(400, (error as Error).message);
  }
}
