// Decisions (POST /decisions): an action judged against a pack merged with its inherits chain.
import { evaluateAction } from '../../policy/evaluate';
import type { Decision, EvaluateRequest } from '../backend';
import type { LocalWorkspace } from './workspace';

export async function evaluate(ws: LocalWorkspace, request: EvaluateRequest): Promise<Decision> {
  const packId = request.policy_pack || 'cavra-ai-agent-baseline';
  const policy = await ws.registry.resolved(packId);
  const decision = evaluateAction(
    policy,
    {
      action_type: request.action_type,
      target: request.target,
      policy_pack: packId,
      session_id: request.session_id,
      agent_id: request.agent_id,
      actor: request.actor,
      operation: request.operation,
      server: request.server,
      tool: request.tool,
      capability: request.capability,
    },
    { timestamp: ws.now(), randomHex12: () => ws.randomHex(12) },
  ) as unknown as Decision;
  if (request.repository) decision.repository = request.repository;
  return decision;
}
