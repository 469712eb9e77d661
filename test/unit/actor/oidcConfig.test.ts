import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ActorConfigError, DEFAULT_LEEWAY_SECONDS, loadOidcConfig } from '../../../server/src/backend/actor';
import { AUDIENCE, ISSUER, TempDir, makeKey, type TestKey } from './fixtures';

describe('OIDC config file', () => {
  let dir: TempDir;
  let key: TestKey;
  before(async () => {
    dir = new TempDir();
    key = await makeKey('key-1');
    dir.write('keys/jwks.json', { keys: [key.publicJwk] });
  });
  after(() => dir.remove());

  function fails(content: unknown, file: string, field: string | undefined, problem: RegExp, name = 'oidc.json'): void {
    const path = typeof content === 'string' && content.startsWith('/') ? content : dir.write(name, content);
    assert.throws(
      () => loadOidcConfig(path),
      (error: unknown) => {
        assert.ok(error instanceof ActorConfigError, String(error));
        assert.equal(error.file, file);
        assert.equal(error.field, field);
        assert.match(error.problem, problem);
        assert.ok(error.message.startsWith(`${file}: `), error.message);
        return true;
      },
    );
  }

  it('loads the documented example: jwks_path relative to the config file, default leeway', () => {
    const path = dir.write('conf/oidc.json', { issuer: ISSUER, audience: AUDIENCE, jwks_path: '../keys/jwks.json' });
    const config = loadOidcConfig(path);
    assert.equal(config.file, path);
    assert.equal(config.issuer, ISSUER);
    assert.equal(config.audience, AUDIENCE);
    assert.equal(config.leewaySeconds, DEFAULT_LEEWAY_SECONDS);
    assert.equal(config.leewaySeconds, 60);
    assert.equal(config.jwksFile, join(dir.path, 'keys/jwks.json'));
    assert.deepEqual(config.jwks, { keys: [key.publicJwk] });
  });

  it('accepts an absolute jwks_path, inline jwks (which wins over jwks_path), leeway 0, and YAML', () => {
    const abs = loadOidcConfig(
      dir.write('abs.json', {
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks_path: join(dir.path, 'keys/jwks.json'),
        leeway_seconds: 0,
      }),
    );
    assert.equal(abs.leewaySeconds, 0);
    const inline = loadOidcConfig(
      dir.write('inline.json', {
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { keys: [key.publicJwk] },
        jwks_path: 'missing.json',
      }),
    );
    assert.equal(inline.jwksFile, join(dir.path, 'inline.json'));
    const yaml = loadOidcConfig(
      dir.write('oidc.yaml', `issuer: ${ISSUER}\naudience: ${AUDIENCE}\njwks_path: keys/jwks.json\nleeway_seconds: 30\n`),
    );
    assert.equal(yaml.leewaySeconds, 30);
    assert.equal(yaml.issuer, ISSUER);
  });

  it('names the file and the missing field', () => {
    const file = join(dir.path, 'oidc.json');
    fails(
      { audience: AUDIENCE, jwks_path: 'keys/jwks.json' },
      file,
      'issuer',
      /is missing: the OIDC config must include issuer, audience, and jwks or jwks_path/,
    );
    fails({ issuer: ISSUER, jwks_path: 'keys/jwks.json' }, file, 'audience', /is missing/);
    fails({ issuer: ISSUER, audience: '', jwks_path: 'keys/jwks.json' }, file, 'audience', /is missing/);
    fails({ issuer: ISSUER, audience: AUDIENCE }, file, 'jwks', /is missing/);
  });

  it('names the file and the invalid field', () => {
    const file = join(dir.path, 'oidc.json');
    fails({ issuer: 42, audience: AUDIENCE, jwks_path: 'keys/jwks.json' }, file, 'issuer', /must be a string \(got 42\)/);
    fails(
      { issuer: ISSUER, audience: [AUDIENCE], jwks_path: 'keys/jwks.json' },
      file,
      'audience',
      /must be a string \(got a list\)/,
    );
    fails({ issuer: ISSUER, audience: AUDIENCE, jwks_path: 7 }, file, 'jwks_path', /non-empty string/);
    for (const leeway of [-1, 1.5, '60', null]) {
      fails(
        { issuer: ISSUER, audience: AUDIENCE, jwks_path: 'keys/jwks.json', leeway_seconds: leeway },
        file,
        'leeway_seconds',
        /whole number of seconds/,
      );
    }
  });

  it('JWKS problems name the JWKS file (and the config that points at it)', () => {
    const config = join(dir.path, 'oidc.json');
    const jwksFile = join(dir.path, 'nokeys.json');
    fails(
      { issuer: ISSUER, audience: AUDIENCE, jwks_path: 'nokeys.json' },
      jwksFile,
      undefined,
      new RegExp(
        `approval OIDC JWKS file not found \\(referenced by "jwks_path" in ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`,
      ),
    );
    dir.write('bad-jwks.json', '{"keys": [');
    fails(
      { issuer: ISSUER, audience: AUDIENCE, jwks_path: 'bad-jwks.json' },
      join(dir.path, 'bad-jwks.json'),
      undefined,
      /invalid JSON/,
    );
    dir.write('list-jwks.json', { keys: 'x' });
    fails(
      { issuer: ISSUER, audience: AUDIENCE, jwks_path: 'list-jwks.json' },
      join(dir.path, 'list-jwks.json'),
      'keys',
      /must be a list of JSON Web Keys/,
    );
    dir.write('ec-jwks.json', { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] });
    fails(
      { issuer: ISSUER, audience: AUDIENCE, jwks_path: 'ec-jwks.json' },
      join(dir.path, 'ec-jwks.json'),
      'keys',
      /has no RSA key/,
    );
    dir.write('nomod-jwks.json', { keys: [{ kty: 'RSA', e: 'AQAB' }] });
    fails(
      { issuer: ISSUER, audience: AUDIENCE, jwks_path: 'nomod-jwks.json' },
      join(dir.path, 'nomod-jwks.json'),
      'keys[0].n',
      /base64url/,
    );
  });

  it('refuses private key material in the JWKS', () => {
    const file = join(dir.path, 'oidc.json');
    fails(
      { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [{ ...key.publicJwk, d: 'AAAA' }] } },
      file,
      'jwks.keys[0].d',
      /private key material/,
    );
    fails({ issuer: ISSUER, audience: AUDIENCE, jwks: {} }, file, 'jwks.keys', /must be a list/);
    fails({ issuer: ISSUER, audience: AUDIENCE, jwks: [] }, file, 'jwks', /must be a JWKS object/);
  });

  it('file-level problems: not found, not JSON, not an object, invalid YAML', () => {
    const missing = join(dir.path, 'nope.json');
    fails(missing, missing, undefined, /^approval OIDC config file not found$/);
    dir.write('broken.json', '{"issuer": ');
    fails(join(dir.path, 'broken.json'), join(dir.path, 'broken.json'), undefined, /^invalid JSON: /);
    fails([1, 2], join(dir.path, 'oidc.json'), undefined, /must contain an object/);
    dir.write('broken.yaml', 'issuer: [unclosed\n');
    fails(join(dir.path, 'broken.yaml'), join(dir.path, 'broken.yaml'), undefined, /invalid YAML/);
  });
});
