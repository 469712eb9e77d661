// The pack file reader of the Node language server: the file system (see language/packFiles.ts).
import * as fs from 'node:fs';
import { nodePackFiles, type PackFiles } from './language/packFiles';

export const diskPackFiles: PackFiles = nodePackFiles(fs);
