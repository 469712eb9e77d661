// The decision endpoint of a CAVRA server: an action judged against a pack.
import type { Decision, EvaluateRequest } from '../backend';
import type { RemoteConnection } from './connection';
import * as bodies from './requestBodies';

export async function evaluate(connection: RemoteConnection, request: EvaluateRequest): Promise<Decision> {
  return connection.post('/decisions', bodies.objectBody(request));
}
