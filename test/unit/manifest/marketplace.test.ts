// Marketplace metadata: what the gallery page shows (icon, banner, links, keywords) and the changelog it
// links to, kept by release with "Unreleased" on top.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';
import { readManifest } from './manifest';

describe('manifest: marketplace metadata', () => {
  const { manifest } = readManifest();

  it('an icon the gallery accepts: a PNG of at least 128×128 pixels', () => {
    const png = readFileSync(join(repoRoot, manifest.icon));
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${manifest.icon} is a PNG`);
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(width >= 128 && height >= 128, `${manifest.icon} is ${width}×${height}`);
  });

  it('a gallery banner, https links to the repository, its issues and home page, a few keywords', () => {
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.equal(manifest.repository.type, 'git');
    for (const url of [manifest.repository.url, manifest.bugs.url, manifest.homepage]) assert.match(url, /^https:\/\//);
    // vsce refuses more than 30 keywords.
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30, `${manifest.keywords.length} keywords`);
  });

  it('CHANGELOG.md: "Unreleased" first, then a section for the current version', () => {
    const headings = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('## '));
    assert.equal(headings[0], '## [Unreleased]');
    assert.match(headings[1] ?? '', new RegExp(`^## \\[${manifest.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d\\d-\\d\\d$`));
  });
});
