// The editor's rule activity: the decision log of `cavra.impact.decisionLog` replayed once against the published
// packs (backend/impactReplay.ts, counting each deciding entry), kept per workspace folder and replayed again
// when the log file or the setting changes. The language service takes the counts as data (language/ruleActivity.ts).
import { statSync, unwatchFile, watchFile } from 'node:fs';
import type { Backend } from '../backend/backend';
import { replayDecisionLog } from '../backend/impactReplay';
import type { RuleActivity } from '../policy/ruleActivity';
import { inWorkspace, type WorkflowSettings } from './workspaceSettings';

interface FolderActivity {
  logPath: string;
  /** The log's path, size and modification time the current counts (or the replay under way) are of. */
  stamp: string;
  activity?: RuleActivity;
  running: boolean;
}

/** How often the log file's size and time are looked at (a log grows while agents work). */
const WATCH_INTERVAL_MS = 1000;

export class RuleActivities {
  private folders = new Map<string, FolderActivity>();

  /** `changed`: a folder's counts changed (or are gone): diagnostics and hovers should be asked again. */
  constructor(
    private changed: (folder: string) => void,
    private log: (message: string) => void = () => undefined,
  ) {}

  /**
   * The folder's counts as of the last finished replay; a new replay starts when the log or the setting
   * changed (its counts replace these when done). Undefined without the setting, for a remote backend,
   * or before the first replay ends.
   */
  get(folder: string, settings: WorkflowSettings, backend: () => Backend): RuleActivity | undefined {
    const setting = settings.impactDecisionLog;
    const current = this.folders.get(folder);
    if (!setting || settings.backend !== 'local') {
      if (current) this.forget(folder, current);
      return undefined;
    }
    const logPath = inWorkspace(folder, setting);
    let stamp: string;
    try {
      const st = statSync(logPath);
      stamp = `${logPath}\u0000${st.size}\u0000${st.mtimeMs}`;
    } catch {
      stamp = `${logPath}\u0000missing`;
    }
    let state = current;
    if (!state || state.logPath !== logPath) {
      if (state) this.forget(folder, state);
      state = { logPath, stamp: '', running: false };
      this.folders.set(folder, state);
      watchFile(logPath, { interval: WATCH_INTERVAL_MS, persistent: false }, () => this.changed(folder));
    }
    if (state.stamp !== stamp && !state.running) this.replay(folder, state, setting, stamp, backend());
    return state.activity;
  }

  private replay(folder: string, state: FolderActivity, setting: string, stamp: string, backend: Backend): void {
    state.stamp = stamp;
    state.running = true;
    replayDecisionLog(backend, { logPath: state.logPath, displayRoot: folder, countRules: true })
      .then(
        ({ summary, report }) => {
          state.activity = {
            decision_log: setting,
            replayed: report.replayed,
            ...(summary.first_timestamp
              ? { first_timestamp: summary.first_timestamp, last_timestamp: summary.last_timestamp }
              : {}),
            counts: report.rule_counts ?? {},
          };
        },
        (err: unknown) => {
          // No log (yet), or one that cannot be read: no counts, so no hover line and no hint.
          state.activity = undefined;
          this.log(`rule activity: ${setting}: ${(err as Error).message}`);
        },
      )
      .finally(() => {
        state.running = false;
        if (this.folders.get(folder) === state) this.changed(folder);
      });
  }

  private forget(folder: string, state: FolderActivity): void {
    unwatchFile(state.logPath);
    this.folders.delete(folder);
    if (state.activity) this.changed(folder);
  }
}
