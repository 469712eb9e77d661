// The pack-id rule (schemas/policy.schema.json's `metadata.id` pattern) and how Create Policy Pack reads
// an author's answer: the `cavra-` prefix is added once, never twice (an author typing `cavra-newteam`
// into a box that used to start with `cavra-` got `cavra-cavra-newteam`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPackId, packIdFromInput, PACK_ID_PATTERN } from '../../../server/src/policy/packId';
import { repoRoot } from '../../lsp/repoRoot';

describe('pack ids: one rule, and an author answer read once', () => {
  it("is the schema's own pattern", () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'policy.schema.json'), 'utf8'));
    assert.equal(schema.properties.metadata.properties.id.pattern, PACK_ID_PATTERN.source);
  });

  it('with or without the prefix, the same id; spaces around are ignored', () => {
    assert.deepEqual(packIdFromInput('newteam'), { id: 'cavra-newteam' });
    assert.deepEqual(packIdFromInput('cavra-newteam'), { id: 'cavra-newteam' });
    assert.deepEqual(packIdFromInput('  cavra-new-team-2 '), { id: 'cavra-new-team-2' });
    assert.ok(isPackId('cavra-newteam') && !isPackId('cavra-') && !isPackId('newteam'));
  });

  it('refuses what is not an id, saying what is wrong', () => {
    assert.match((packIdFromInput('') as { error: string }).error, /required/);
    assert.match((packIdFromInput('cavra-') as { error: string }).error, /Add a name after cavra-/);
    assert.match((packIdFromInput('NewTeam') as { error: string }).error, /Use lowercase: cavra-newteam/);
    assert.match((packIdFromInput('new team') as { error: string }).error, /" " is not allowed/);
    assert.match((packIdFromInput('new_team') as { error: string }).error, /"_" is not allowed/);
  });
});
