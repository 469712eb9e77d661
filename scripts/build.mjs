// Bundles the extension client, the language server, the CLI and the tests with esbuild.
// Type-checking is `npm run typecheck` (tsc --noEmit); esbuild only strips types.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { policyValidatorsPlugin } from './policyValidators.mjs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [policyValidatorsPlugin],
};

function testEntries(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testEntries(p));
    else if (/\.test\.ts$|\.vscode\.ts$|^index\.ts$/.test(name) || /test\/(e2e|bench)\/[^/]+\.ts$/.test(p)) out.push(p);
  }
  return out;
}

// The browser build (vscode.dev, github.dev): the client in the web extension host, the language server
// in a web worker. The language service speaks of files by path, so node:path and node:url are given
// their browser forms (server/src/browser/nodePath.ts, nodeUrl.ts: pure string functions); any other
// node: module reached from a browser entry fails this build. Files are read through language/packFiles.ts.
const BROWSER_SHIMS = { 'node:path': 'server/src/browser/nodePath.ts', 'node:url': 'server/src/browser/nodeUrl.ts' };
const browser = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  plugins: [
    policyValidatorsPlugin,
    {
      name: 'browser-shims',
      setup(build) {
        build.onResolve({ filter: /^node:(path|url)$/ }, (args) => ({ path: resolve(BROWSER_SHIMS[args.path]) }));
      },
    },
  ],
};

// The webview renderers speak through vscode.l10n.t, and tests outside VS Code render with them: there
// (and only for them) `vscode` is VS Code's English formatting (test/support/vscodeL10n.ts).
const webviewL10nOutsideVsCode = {
  name: 'webview-l10n-outside-vscode',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      /client[\\/]src[\\/]webview[\\/]render[\\/]/.test(args.importer)
        ? { path: resolve('test/support/vscodeL10n.ts') }
        : undefined,
    );
  },
};

// Outputs are overwritten in place (never the whole folder removed first), so a build running beside
// a test run does not pull files out from under it.
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  // The server and the CLI are each a small launcher (dist/server.js, dist/cli.js) that runs the bundle
  // with a V8 code cache (server/src/launch/codeCache.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/launch/serverLauncher.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server-bundle.js' }),
  esbuild.build({
    ...common,
    entryPoints: ['server/src/launch/cliLauncher.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli-bundle.js' }),
  esbuild.build({
    ...browser,
    entryPoints: ['client/src/browserExtension.ts'],
    outfile: 'dist/browserClient.js',
    format: 'cjs',
    external: ['vscode'],
  }),
  esbuild.build({
    ...browser,
    entryPoints: ['server/src/browser/browserMain.ts'],
    outfile: 'dist/browserServer.js',
    format: 'iife',
  }),
]);
if (!production) {
  await esbuild.build({
    ...common,
    entryPoints: testEntries('test'),
    outdir: 'out/test',
    outbase: 'test',
    external: ['vscode', 'mocha', 'playwright-core', 'fast-check', 'yaml-language-server'],
    sourcemap: 'inline',
    plugins: [policyValidatorsPlugin, webviewL10nOutsideVsCode],
  });
  // Drop bundles whose test source is gone, so a deleted test does not keep running.
  const stale = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) stale(p);
      else if (p.endsWith('.js') && !existsSync(p.replace(/^out[\\/]/, '').replace(/\.js$/, '.ts'))) rmSync(p);
    }
  };
  stale('out/test');
}
