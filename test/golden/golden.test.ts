// Every golden case against the real Node server over stdio (the runner: goldenRunner.ts).
import { LspClient } from '../lsp/lspClient';
import { goldenSuite } from './goldenRunner';

goldenSuite('golden cases (real server over stdio)', (options) => LspClient.start(options));
