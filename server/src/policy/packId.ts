// What a pack id is: `cavra-` followed by lowercase letters, digits and hyphens (schemas/policy.schema.json,
// `metadata.id`), and how an author's answer becomes one. The schema's pattern is the rule; this file is
// its one copy in code, used by Create Policy Pack, completion and quick fixes.

export const PACK_ID_PREFIX = 'cavra-';
export const PACK_ID_PATTERN = /^cavra-[a-z0-9-]+$/;

export function isPackId(id: string): boolean {
  return PACK_ID_PATTERN.test(id);
}

/**
 * An author's answer as a pack id: `newteam` and `cavra-newteam` both give `cavra-newteam` (the prefix is
 * added once, never twice); surrounding spaces are ignored. Anything else is refused with what is wrong.
 */
export function packIdFromInput(input: string): { id: string } | { error: string } {
  const raw = input.trim();
  if (!raw) return { error: 'A pack id is required, e.g. cavra-payments (or just payments).' };
  const id = raw.startsWith(PACK_ID_PREFIX) ? raw : `${PACK_ID_PREFIX}${raw}`;
  if (id === PACK_ID_PREFIX) return { error: 'Add a name after cavra-, e.g. cavra-payments.' };
  if (/[A-Z]/.test(id)) return { error: `Use lowercase: ${id.toLowerCase()}` };
  const bad = [...id.slice(PACK_ID_PREFIX.length)].find((c) => !/[a-z0-9-]/.test(c));
  if (bad !== undefined)
    return {
      error: `${JSON.stringify(bad)} is not allowed: a pack id is cavra- followed by lowercase letters, digits and hyphens.`,
    };
  return { id };
}
