// The language client's verbose trace prints each message's params as vscode-jsonrpc formats them
// (`Params: ` + JSON.stringify(params, null, 4)); the channel it writes to masks the token fields.
import assert from 'node:assert/strict';
import { maskTokens } from '../../../client/src/traceMask';

describe('reliability: the message trace masks actor and remote tokens', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

  it('masks actor_token in a guarded request and token in cavra/credentials, and nothing else', () => {
    const approve = `Sending request 'cavra/approvals/approve - (7)'.\nParams: ${JSON.stringify(
      { approval_id: 'apr_1', actor: 'alice', reason: 'has a "quote"', actor_token: token },
      null,
      4,
    )}`;
    const masked = maskTokens(approve);
    assert.ok(!masked.includes(token), masked);
    assert.match(masked, /"actor_token": "\*\*\*"/);
    assert.match(masked, /"reason": "has a \\"quote\\""/, 'other fields are left as they were');
    const credentials = maskTokens(`Sending notification 'cavra/credentials'.\nParams: ${JSON.stringify({ token: 'tok_x"y' })}`);
    assert.equal(credentials, `Sending notification 'cavra/credentials'.\nParams: {"token":"***"}`);
  });
});
