// Loads a CommonJS bundle of ours with a V8 code cache, so a process started again (the server at each
// editor start, the CLI in every CI step) does not parse and compile the same ~700 KB of JavaScript
// again: the functions the last run compiled are deserialized instead. What Node 22's compile cache and
// VS Code's own cached data do; this works on the Node 20 we support and the Node of any editor.
//
// A cache file is code, so it is only read from a directory of the current user's that nobody else can
// write, and only when its own SHA-256 matches (V8 checks versions and flags but, in release builds, not
// the payload). The key holds the bundle's own SHA-256: V8 compares sources by length alone. Every failure
// (no home, a read-only disk, a corrupt or rejected cache) falls back to a plain compile: the cache can make
// a run faster, never different.
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** `CAVRA_CODE_CACHE`: unset for the user's cache folder, `off` for none, or a folder to use instead. */
export const CODE_CACHE_ENV = 'CAVRA_CODE_CACHE';

export interface LoadedBundle {
  /** The bundle's `module.exports`. */
  exports: unknown;
  /** `accepted`: V8 took the cache; `written`: none was usable and one has been written since; `none`: caching is off. */
  readonly state: 'accepted' | 'missing' | 'written' | 'none';
  /** Writes the cache unless V8 accepted one at load (then the file already holds this code). Never throws. */
  save(): void;
}

/** The folder caches live in, made private to this user, or undefined when there is none to trust. */
export function codeCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string | undefined): string | undefined {
  const chosen = env[CODE_CACHE_ENV]?.trim();
  if (chosen === 'off' || chosen === '0') return undefined;
  let dir = chosen || undefined;
  if (!dir) {
    if (!home) return undefined;
    dir =
      platform === 'win32'
        ? join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'cavra-policy-studio', 'Cache')
        : platform === 'darwin'
          ? join(home, 'Library', 'Caches', 'cavra-policy-studio')
          : join(env.XDG_CACHE_HOME || join(home, '.cache'), 'cavra-policy-studio');
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    // POSIX: ours alone. (Windows reports neither owner nor these bits; its per-user folders are private.)
    if (platform !== 'win32' && (st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** This process's cache folder: codeCacheDir() of its environment, platform and home. */
export function userCodeCacheDir(): string | undefined {
  let home: string | undefined;
  try {
    home = homedir() || undefined;
  } catch {
    // no home folder (a service account without one): no cache
  }
  return codeCacheDir(process.env, process.platform, home);
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

/** Header of a cache file: SHA-256 of the V8 payload after it. */
const HEADER = 32;

function readCache(file: string): Buffer | undefined {
  try {
    const data = readFileSync(file);
    if (data.length <= HEADER) return undefined;
    const payload = data.subarray(HEADER);
    return sha256(payload).equals(data.subarray(0, HEADER)) ? payload : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, file: string, name: string, payload: Buffer): void {
  // Written aside and renamed over: a reader sees the old file or the new one, never half of one.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([sha256(payload), payload]), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      /* never written */
    }
    return;
  }
  // The caches of older builds of this bundle are never read again.
  try {
    // `${name}-<hash>-`: the cache of `cli-foo` is not one of `cli-foo-bar`'s.
    const ours = (f: string) => f.startsWith(`${name}-`) && /^[0-9a-f]{16}-/.test(f.slice(name.length + 1)) && f.endsWith('.v8');
    for (const old of readdirSync(dir)) if (ours(old) && old !== basename(file)) unlinkSync(join(dir, old));
  } catch {
    /* another process pruned first */
  }
}

/**
 * Runs `bundle` (a CommonJS file) as its own module, with the code cache `name` from `dir` when it has a
 * good one. The bundle sees the `require`, `module` and `__dirname` it would see if Node loaded it.
 */
export function loadBundle(bundle: string, name: string, dir: string | undefined): LoadedBundle {
  const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
  const file = dir && join(dir, `${name}-${sha256(source).toString('hex').slice(0, 16)}-${process.version}-${process.arch}.v8`);
  const cached = file ? readCache(file) : undefined;
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData: cached });
  let state: LoadedBundle['state'] = !file ? 'none' : cached && !script.cachedDataRejected ? 'accepted' : 'missing';
  const mod = new Module(bundle, undefined);
  mod.filename = bundle;
  (mod as unknown as { paths: string[] }).paths = (
    Module as unknown as { _nodeModulePaths(from: string): string[] }
  )._nodeModulePaths(dirname(bundle));
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  return {
    get exports(): unknown {
      return mod.exports as unknown;
    },
    get state() {
      return state;
    },
    save() {
      if (!file || !dir || state !== 'missing') return;
      state = 'written';
      try {
        writeCache(dir, file, name, script.createCachedData());
      } catch {
        /* a cache is never worth a failure */
      }
    },
  };
}
