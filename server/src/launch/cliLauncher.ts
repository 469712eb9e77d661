// dist/cli.js: runs cavra-policy (dist/cli-bundle.js) with a code cache (codeCache.ts), one per command:
// `validate` and `publish` compile different parts of the bundle.
import { join } from 'node:path';
import { loadBundle, userCodeCacheDir } from './codeCache';

const argv = process.argv.slice(2);
const command = /^[a-z][a-z-]{0,31}$/.test(argv[0] ?? '') ? argv[0] : 'other';
const loaded = loadBundle(join(__dirname, 'cli-bundle.js'), `cli-${command}`, userCodeCacheDir());
// Written at exit: by then the command has compiled all it uses.
process.once('exit', () => loaded.save());
const cli = loaded.exports as { main: (args: string[]) => number | Promise<number> };
void Promise.resolve(cli.main(argv)).then((code) => {
  process.exitCode = code;
});
