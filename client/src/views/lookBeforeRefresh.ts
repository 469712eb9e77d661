// A tree view re-creates its rows each time it fires onDidChangeTreeData, and an inline action clicked
// on a row while it is being re-created reaches its command without the row (VS Code passes no
// argument, so Deny asked "which approval?"). Stores and inboxes say "changed" far more often than
// what a view shows changes, so a view looks first and fires only when its rows differ. This is the
// bookkeeping of that look, free of `vscode` so a unit test can hold it.

/** Rows per key (a workspace folder), compared by a fingerprint of everything a row shows. */
export class LookBeforeRefresh<R> {
  /** The fingerprint of the rows last handed to VS Code, per key. */
  private shown = new Map<string, string>();
  /**
   * Rows a look found changed, handed out by the next `show` of their key instead of loading again; only
   * for a moment (a collapsed folder's rows are loaded when it is expanded, not taken from an old look).
   */
  private looked = new Map<string, { rows: R; at: number }>();
  private generation = 0;

  constructor(
    private readonly fingerprint: (rows: R) => string,
    private readonly now: () => number = Date.now,
    private readonly freshForMs = 2_000,
  ) {}

  /**
   * Loads every key's rows and says whether the view must refresh: the keys differ from those shown, or
   * a key's rows do. Before anything was shown there is nothing to compare (and a view never opened
   * need not be loaded): true without loading. A look overtaken by a later one says false; the later
   * one decides.
   */
  async look(entries: ReadonlyArray<readonly [key: string, load: () => Promise<R>]>): Promise<boolean> {
    const generation = ++this.generation;
    if (this.shown.size === 0) return true;
    const rows = await Promise.all(entries.map(([, load]) => load()));
    if (generation !== this.generation) return false;
    const keys = entries.map(([key]) => key);
    const sameKeys = keys.length === this.shown.size && keys.every((k) => this.shown.has(k));
    const changed = !sameKeys || keys.some((k, i) => this.shown.get(k) !== this.fingerprint(rows[i]));
    if (!changed) return false;
    for (const k of [...this.shown.keys()]) if (!keys.includes(k)) this.shown.delete(k);
    const at = this.now();
    this.looked = new Map(keys.map((k, i) => [k, { rows: rows[i], at }]));
    return true;
  }

  /** The rows to show for `key`: those the last look found, else freshly loaded; remembered as shown. */
  async show(key: string, load: () => Promise<R>): Promise<R> {
    const found = this.looked.get(key);
    this.looked.delete(key);
    const rows = found && this.now() - found.at <= this.freshForMs ? found.rows : await load();
    this.shown.set(key, this.fingerprint(rows));
    return rows;
  }
}
