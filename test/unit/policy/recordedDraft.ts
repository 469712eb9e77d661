// CAVRA's recorded answer to POST /policy-packs/draft for the SPEC 3.2 example (test/fixtures/cavra-recorded).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../lsp/repoRoot';

export const recordedDraft = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'cavra-recorded', 'draft.json'), 'utf8'),
) as {
  policy_pack: Record<string, unknown>;
  summary: Record<string, unknown>;
};

/** The SPEC 3.2 example body (without `inherits`, as recorded). */
export const SPEC_DRAFT_BODY = {
  id: 'cavra-platform-baseline',
  title: 'Platform Baseline',
  description: 'Platform engineering controls.',
  version: '2026.05',
  commands: { block: ['terraform apply -auto-approve'] },
};

export const SPEC_DRAFT_DIGEST = 'sha256:ffd4dd7d79d86d297af948537f2a0fea8d97488a7c00175d6c7928969b5b05ea';
