// The "ask again to format a signed policy" window, on an injected clock.
import { strict as assert } from 'node:assert';
import { CONFIRM_WINDOW_MS, SignedFormattingGuard } from '../../../server/src/workflows/signedPolicyFormatting';

describe('formatting a signed policy needs a second request', () => {
  let now = 0;
  const guard = () => new SignedFormattingGuard(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('confirms a second request for the same version within the window, once', () => {
    const g = guard();
    assert.equal(g.confirmed('file:///p/policy.yaml', 3), false);
    now += CONFIRM_WINDOW_MS;
    assert.equal(g.confirmed('file:///p/policy.yaml', 3), true);
    assert.equal(g.confirmed('file:///p/policy.yaml', 3), false, 'a third request starts over');
  });

  it('does not confirm after the window, for another version or another document', () => {
    const g = guard();
    assert.equal(g.confirmed('file:///p/policy.yaml', 3), false);
    now += CONFIRM_WINDOW_MS + 1;
    assert.equal(g.confirmed('file:///p/policy.yaml', 3), false, 'too late: refused again');
    assert.equal(g.confirmed('file:///p/policy.yaml', 4), false, 'another version');
    assert.equal(g.confirmed('file:///q/policy.yaml', 4), false, 'another document');
  });

  it('forgets a closed document', () => {
    const g = guard();
    assert.equal(g.confirmed('file:///p/policy.yaml', 3), false);
    g.forget('file:///p/policy.yaml');
    assert.equal(g.confirmed('file:///p/policy.yaml', 3), false);
  });
});
