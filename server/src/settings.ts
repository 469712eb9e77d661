// Settings the server pulls from the `cavra` configuration section.

/** What the language service needs: where packs live and how big a file it analyses. */
export interface ServerSettings {
  policyRoot: string;
  maxFileSizeMb: number;
}

export const defaultServerSettings: ServerSettings = { policyRoot: 'policies', maxFileSizeMb: 5 };
