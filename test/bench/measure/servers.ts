// The two servers under test, configured as a user would configure them.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigurationItem } from 'vscode-languageserver-protocol/node';
import type { ServerSpec } from './lspSession';

/** Ours with default settings: it pulls the `cavra` section and gets nothing set. */
export function cavraServer(serverJs: string, node = process.execPath): ServerSpec {
  return {
    name: 'CAVRA server',
    node,
    args: [serverJs, '--stdio'],
    languageId: 'cavra-policy',
    configuration: (item: ConfigurationItem) => (item.section === 'cavra' ? {} : null),
    publishesVersions: true,
  };
}

/**
 * The same server started as it is the first time after an install or an update: no code cache yet
 * (server/src/launch/codeCache.ts), so it parses and compiles its whole bundle.
 */
export function withoutCodeCache(spec: ServerSpec): ServerSpec {
  return { ...spec, env: { ...spec.env, ...NO_CODE_CACHE } };
}

/** The environment of a process started as on a machine where none ran before (a fresh CI runner). */
export const NO_CODE_CACHE: NodeJS.ProcessEnv = { CAVRA_CODE_CACHE: 'off' };

/**
 * yaml-language-server with our schema mapped to the policy files through `yaml.schemas` (what a user
 * of vscode-yaml writes in settings.json), everything else at its defaults except the SchemaStore
 * catalog: fetching it needs the network (this machine has none to schemastore.org), and its
 * `**\/policies/**\/*.yaml` entry would compete with our schema for these very files.
 */
export function yamlLanguageServer(repoRoot: string, node: string): ServerSpec {
  const schemaUri = pathToFileURL(join(repoRoot, 'schemas', 'policy.schema.json')).href;
  const sections: Record<string, unknown> = {
    yaml: {
      schemas: { [schemaUri]: '**/policies/*/policy.yaml' },
      validate: true,
      hover: true,
      completion: true,
      schemaStore: { enable: false },
    },
    http: { proxy: '', proxyStrictSSL: true },
    '[yaml]': { 'editor.insertSpaces': true, 'editor.tabSize': 2, 'editor.autoIndent': 'keep' },
    editor: { tabSize: 4, detectIndentation: true },
  };
  return {
    name: 'yaml-language-server',
    node,
    args: [join(repoRoot, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
    languageId: 'yaml',
    configuration: (item: ConfigurationItem) => (item.section !== undefined ? (sections[item.section] ?? null) : null),
    publishesVersions: false,
  };
}
