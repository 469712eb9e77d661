// Which keys count: the pin rule (policy/keyPins) and the key home's place on each platform
// (signing/keyHome), for the cases the CLI process on this machine cannot reach (Windows' %APPDATA%).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import {
  KeyPinError,
  normalizeFingerprint,
  parseFingerprintList,
  parsePinFile,
  signerTrust,
} from '../../../server/src/policy/keyPins';
import { keyHome } from '../../../server/src/signing';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('key pins (policy/keyPins)', () => {
  it('accepts sha256:<hex> or bare hex in any case, and nothing shorter', () => {
    assert.equal(normalizeFingerprint(`  SHA256:${'A'.repeat(64)} `), A);
    assert.equal(normalizeFingerprint('a'.repeat(64)), A);
    assert.equal(normalizeFingerprint('a'.repeat(63)), undefined);
    assert.equal(normalizeFingerprint(`sha512:${'a'.repeat(64)}`), undefined);
  });

  it('revocation wins over a pin; an unknown key is not pinned', () => {
    const pins = { pinned: [{ fingerprint: A, source: 'x' }], revoked: [{ fingerprint: A, source: 'y', note: 'leaked' }] };
    assert.deepEqual(signerTrust(A, pins), { trust: 'revoked', by: { fingerprint: A, source: 'y', note: 'leaked' } });
    assert.deepEqual(signerTrust(B, pins), { trust: 'not-pinned' });
    assert.equal(signerTrust(A, { pinned: pins.pinned, revoked: [] }).trust, 'pinned');
  });

  it('a pins file keeps notes and names the line of a bad entry', () => {
    assert.deepEqual(parsePinFile(`# team keys\n${A}  # retired 2026-11\n\n${B}\n`, 'pins.txt'), [
      { fingerprint: A, source: 'pins.txt', note: 'retired 2026-11' },
      { fingerprint: B, source: 'pins.txt' },
    ]);
    assert.throws(
      () => parsePinFile(`${A}\nnope\n`, 'pins.txt'),
      (e: Error) => e instanceof KeyPinError && /^pins\.txt:2: "nope"/.test(e.message),
    );
    assert.deepEqual(
      parseFingerprintList(` ${A},${B} `, '$ENV').map((p) => p.fingerprint),
      [A, B],
    );
  });
});

describe('the key home (signing/keyHome)', () => {
  it('$CAVRA_KEY_HOME, else XDG, else %APPDATA% on Windows, else ~/.config', () => {
    assert.equal(keyHome({ CAVRA_KEY_HOME: '/k', XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u'), '/k');
    assert.equal(keyHome({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u'), join('/x', 'cavra-policy-studio', 'keys'));
    assert.equal(
      keyHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'),
      join('C:\\Users\\u\\AppData\\Roaming', 'cavra-policy-studio', 'keys'),
    );
    assert.equal(keyHome({ APPDATA: '/appdata' }, 'linux', '/home/u'), join('/home/u', '.config', 'cavra-policy-studio', 'keys'));
  });
});
