// The arrows of the design map (docs/architecture.md), checked on every `npm test`:
//   client -> protocol <- server/main -> language, backend -> policy, signing
// A rule here is a boundary of the house; a violation fails the test run with the file and the import.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'launchers-stand-alone',
      comment:
        'server/src/launch/ starts the bundles (dist/server.js, dist/cli.js) with a code cache: it imports none ' +
        'of the code it starts, or that code would be bundled twice and compiled without the cache.',
      severity: 'error',
      from: { path: '^server/src/launch/' },
      to: { path: '^(server|client)/', pathNot: '^server/src/launch/' },
    },
    {
      name: 'server-is-editor-agnostic',
      comment: 'Nothing under server/ imports vscode, not even its types: the server runs in any editor and the CLI.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^vscode$|@types/vscode' },
    },
    {
      name: 'client-through-the-contract',
      comment: 'The client imports the server only through the contract (server/src/protocol/).',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^server/', pathNot: '^server/src/protocol/' },
    },
    {
      name: 'policy-is-pure',
      comment: 'policy/ is the CAVRA domain as pure functions: it imports nothing else of the project.',
      severity: 'error',
      from: { path: '^server/src/policy/' },
      to: { path: '^(server|client)/', pathNot: '^server/src/policy/' },
    },
    {
      name: 'provenance-is-pure',
      comment:
        'provenance/ builds and checks bundles and attestations from what it is given; only bundleExport.ts, its edge, reads and writes files.',
      severity: 'error',
      from: { path: '^server/src/provenance/', pathNot: '^server/src/provenance/bundleExport\\.ts$' },
      to: { path: '^(node:)?(fs|child_process)$|^server/src/(backend/store|cli|workflows)/' },
    },
    {
      name: 'local-and-remote-apart',
      comment: 'backend/local and backend/remote implement one interface and never import each other.',
      severity: 'error',
      from: { path: '^server/src/backend/(local|remote)/' },
      to: { path: '^server/src/backend/(local|remote)/', pathNot: '^server/src/backend/$1/' },
    },
    {
      name: 'language-service-is-protocol-free',
      comment:
        'The language service is pure analysis: no backend, no signing, no workflows, no LSP wiring, ' +
        'so it can run in a web worker (no node:crypto, no file system writes).',
      severity: 'error',
      from: { path: '^server/src/language/' },
      to: { path: '^server/src/(backend|signing|workflows|cli)/|^server/src/(main|cli)\\.ts$' },
    },
    {
      name: 'language-service-without-node-crypto',
      comment: 'The browser build runs the language service in a web worker, which has no node:crypto.',
      severity: 'error',
      from: { path: '^server/src/language/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?crypto$' },
    },
    {
      name: 'language-service-reads-through-pack-files',
      comment:
        "The language service reads packs only through language/packFiles.ts (the disk in Node, the client's " +
        'workspace.fs in the browser build): no node:fs of its own.',
      severity: 'error',
      from: { path: '^server/src/language/' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'], path: '^(node:)?fs$' },
    },
    {
      name: 'browser-entries-without-node',
      comment:
        'The browser build (client/src/browserExtension.ts, server/src/browser/) runs in a web extension host ' +
        'and a web worker: no node: module (scripts/build.mjs fails on one reached through the rest).',
      severity: 'error',
      from: { path: '^server/src/browser/|^client/src/browserExtension\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-does-not-reach-up',
      comment: 'policy, signing and backend never import the language server wiring, the workflows or the CLI.',
      severity: 'error',
      from: { path: '^server/src/(policy|signing|backend)/' },
      to: { path: '^server/src/(workflows|cli|language)/|^server/src/(main|cli)\\.ts$' },
    },
    {
      name: 'tests-not-imported',
      comment: 'Product code never imports test code.',
      severity: 'error',
      from: { path: '^(server|client)/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment:
        'Arrows point one way: no file reaches itself through its imports, not even through a type. A type both sides need lives in a module of its own (e.g. workflows/workflowEnvironment.ts, language/analysis.ts).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
