// dist/server.js: starts the language server (dist/server-bundle.js) with a code cache (codeCache.ts).
// The cache is written once the server has done its first work, so it holds what an open compiles.
import { join } from 'node:path';
import { loadBundle, userCodeCacheDir } from './codeCache';

const loaded = loadBundle(join(__dirname, 'server-bundle.js'), 'server', userCodeCacheDir());
// Ten seconds: past initialize, the first open and the workspace pass on a big workspace; or at exit,
// whichever comes first (a server that lives shorter still leaves a cache for the next start).
setTimeout(() => loaded.save(), 10_000).unref();
process.once('exit', () => loaded.save());
