// Fails when the VSIX is 1 MB (1,000,000 bytes) or more: the extension is bundled files only, so growth
// past that means something unbundled (node_modules, source maps, screenshots) slipped in.
// Run by `npm run package` after vsce; prints the size either way.
//   node scripts/vsix-size.mjs <file.vsix>
import { statSync } from 'node:fs';

const LIMIT = 1_000_000;
const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/vsix-size.mjs <file.vsix>');
  process.exit(2);
}
let size;
try {
  size = statSync(file).size;
} catch (e) {
  console.error(`vsix-size: cannot read ${file}: ${e.message}`);
  process.exit(1);
}
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
if (size >= LIMIT) {
  console.error(
    `vsix-size: ${file} is ${size} bytes (${kb(size)}), at or over the 1 MB limit (${LIMIT} bytes): look for unbundled files with \`npx vsce ls\`.`,
  );
  process.exit(1);
}
console.log(`vsix-size: ${file} is ${size} bytes (${kb(size)}), under the 1 MB limit.`);
