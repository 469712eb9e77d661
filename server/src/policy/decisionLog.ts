// Reading a log of CAVRA decision records (SPEC 4.8: what `POST /decisions` and the older
// `cavra evaluate --json` print) for impact replay. The log is a JSON array, JSON Lines, or pretty-printed
// records one after another; it arrives in chunks (the CLI streams the file), so nothing here holds more
// than one record's text. A bad record is counted and named by its line, never fatal: a log is evidence
// gathered by other programs, and one torn line must not hide the other hundred thousand.

/** What impact replay needs of a recorded decision; the rest of the record is not kept. */
export interface RecordedDecision {
  /** The line the record starts on (1-based). */
  line: number;
  decision_id?: string;
  action_type: string;
  target: string;
  requested_operation?: string;
  policy_pack: string;
  rule_id: string;
  decision: string;
  severity?: string;
  /** Present (possibly null) only when the record has the key. */
  approver_group?: string | null;
  agent_id?: string;
  repository?: string;
  session_id?: string;
  timestamp?: string;
}

export type LogProblemKind = 'malformed' | 'wrong_shape' | 'unsupported';

export interface LogProblem {
  line: number;
  kind: LogProblemKind;
  message: string;
}

export interface DecisionLogSummary {
  format: 'json_array' | 'json_lines' | 'json_stream' | 'empty';
  records: number;
  /** Per kind: how many records or lines were left out. */
  problems: Record<LogProblemKind, number>;
  /** The first problems, each naming its line (at most MAX_LISTED_PROBLEMS). */
  listed: LogProblem[];
  /** Set when reading stopped before the end (a record too large to be one). */
  stopped?: string;
  /** The earliest and latest record timestamps, as written. */
  first_timestamp?: string;
  last_timestamp?: string;
}

export const MAX_LISTED_PROBLEMS = 20;
/** Larger than any decision record by far; past it the text is junk, not a record. */
export const MAX_RECORD_CHARS = 1024 * 1024;
/** How many first lines tell JSON Lines from pretty-printed records. */
const DETECT_LINES = 8;

const REQUIRED = ['action_type', 'target', 'policy_pack', 'rule_id', 'decision'] as const;
const OPTIONAL = ['decision_id', 'requested_operation', 'severity', 'agent_id', 'repository', 'session_id', 'timestamp'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/**
 * One parsed JSON value as a decision record, or why it is not one. The studio's own
 * `evaluate --policy-mode --json` wraps the decision as `{decision, policy_mode}`: the decision inside is
 * CAVRA's record and is read. The newest CAVRA CLI's policy-mode summary carries no action, target, pack
 * or rule, so nothing can be replayed from it: it is named as unsupported, not as junk.
 */
export function classifyRecord(value: unknown, line: number): RecordedDecision | LogProblem {
  if (!isObject(value)) {
    return { line, kind: 'wrong_shape', message: `line ${line}: ${kindOf(value)}, not a decision record (a JSON object)` };
  }
  if (isObject(value.decision) && isObject(value.policy_mode)) return classifyRecord(value.decision, line);
  if ('effective_decision' in value && 'base_decision' in value && !('rule_id' in value)) {
    return {
      line,
      kind: 'unsupported',
      message:
        `line ${line}: a policy-mode summary (the newest \`cavra evaluate --json\`), not a decision record: it has no ` +
        'action, target, pack or rule to replay; record decisions with POST /decisions or `cavra evaluate --json` of a CAVRA before policy modes',
    };
  }
  const rec: Partial<RecordedDecision> & { line: number } = { line };
  const out = rec as unknown as Record<string, unknown>;
  // policy_id equals policy_pack in CAVRA's records; either names the pack.
  const withPack =
    value.policy_pack === undefined && typeof value.policy_id === 'string' ? { ...value, policy_pack: value.policy_id } : value;
  const missing: string[] = [];
  for (const key of REQUIRED) {
    const v = withPack[key];
    if (typeof v === 'string') out[key] = v;
    else missing.push(v === undefined ? key : `${key} (${kindOf(v)}, not a string)`);
  }
  if (missing.length) {
    return { line, kind: 'wrong_shape', message: `line ${line}: not a decision record: missing ${missing.join(', ')}` };
  }
  for (const key of OPTIONAL) if (typeof value[key] === 'string') out[key] = value[key];
  if ('approver_group' in value) out.approver_group = typeof value.approver_group === 'string' ? value.approver_group : null;
  return rec as RecordedDecision;
}

/** Where a JSON parse failed, in the log's terms. */
function parseFailure(text: string, line: number, e: unknown): LogProblem {
  const what = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return { line, kind: 'malformed', message: `line ${line}: not JSON (${(e as Error).message}): ${JSON.stringify(what)}` };
}

/**
 * Reads a decision log chunk by chunk: `push` each piece of text, then `end`. Records go to `onRecord` as
 * they complete. The format is told by the first character: `[` a JSON array, else JSON values one after
 * another (JSON Lines when the first value ends on its line; pretty-printed records otherwise).
 */
export class DecisionLogReader {
  private mode: 'unknown' | 'lines' | 'array' | 'stream' = 'unknown';
  private line = 1;
  /** The text of the value (lines mode: the line) being read. */
  private buf = '';
  private bufLine = 1;
  private skippingLongLine = false;
  // The scanner's state for arrays and pretty-printed streams.
  private depth = 0;
  private inString = false;
  private escaped = false;
  private closed = false;
  /** Array mode: the array's own `[` has been read. */
  private opened = false;
  private readonly summary: DecisionLogSummary = {
    format: 'empty',
    records: 0,
    problems: { malformed: 0, wrong_shape: 0, unsupported: 0 },
    listed: [],
  };

  constructor(private readonly onRecord: (record: RecordedDecision) => void) {}

  push(chunk: string): void {
    if (this.summary.stopped || this.closed) return;
    if (this.mode === 'unknown') {
      this.buf += chunk;
      this.decideMode();
      if (this.mode === 'unknown') return;
      chunk = this.buf;
      this.buf = '';
    }
    this.pushDecided(chunk);
  }

  private pushDecided(chunk: string): void {
    if (this.mode === 'lines') this.pushLines(chunk);
    else this.pushScanned(chunk);
  }

  end(): DecisionLogSummary {
    if (this.mode === 'unknown' && this.buf.trim() !== '') {
      // A short log: decide on all of it, then read it as one chunk.
      this.decideMode(true);
      const text = this.buf;
      this.buf = '';
      this.pushDecided(text);
    }
    if (this.mode === 'lines') {
      if (!this.skippingLongLine) this.lineDone(this.buf, this.bufLine);
    } else if (this.mode === 'array' && !this.summary.stopped && !this.closed) {
      const rest = this.buf.trim();
      const where = rest ? this.bufLine : this.line;
      this.problem(where, 'malformed', `line ${where}: the JSON array ends without its closing ] (truncated)`);
    } else if (this.mode === 'stream' && !this.summary.stopped) {
      const rest = this.buf.trim();
      if (rest && this.depth > 0)
        this.problem(this.bufLine, 'malformed', `line ${this.bufLine}: the log ends inside a record (truncated)`);
      else if (rest) this.junk(rest);
    }
    this.buf = '';
    return this.summary;
  }

  /**
   * JSON Lines when one of the first lines is a whole JSON object (so a torn first line does not turn a
   * JSON Lines log into one long broken record); pretty-printed records when the log starts with `{` and no
   * early line is an object on its own. `force`: decide on what has arrived (the end of the log).
   */
  private decideMode(force = false): void {
    const start = this.buf.search(/\S/);
    if (start < 0) return;
    if (this.buf[start] === '[') {
      this.mode = 'array';
      this.summary.format = 'json_array';
      return;
    }
    const lines = this.buf.slice(start).split('\n');
    const complete = force ? lines : lines.slice(0, -1);
    if (!force && complete.length < DETECT_LINES && this.buf.length < MAX_RECORD_CHARS) return;
    const isObjectLine = (line: string) => {
      const t = line.trim();
      if (!t.startsWith('{')) return false;
      try {
        JSON.parse(t);
        return true;
      } catch {
        return false;
      }
    };
    const jsonLines = complete.slice(0, DETECT_LINES).some(isObjectLine) || !this.buf[start].startsWith('{');
    this.mode = jsonLines ? 'lines' : 'stream';
    this.summary.format = jsonLines ? 'json_lines' : 'json_stream';
  }

  private pushLines(chunk: string): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      const piece = nl < 0 ? chunk.slice(from) : chunk.slice(from, nl);
      if (!this.skippingLongLine) {
        this.buf += piece;
        if (this.buf.length > MAX_RECORD_CHARS) {
          this.problem(
            this.bufLine,
            'malformed',
            `line ${this.bufLine}: longer than ${MAX_RECORD_CHARS} characters, not a decision record`,
          );
          this.buf = '';
          this.skippingLongLine = true;
        }
      }
      if (nl < 0) return;
      if (!this.skippingLongLine) this.lineDone(this.buf, this.bufLine);
      this.skippingLongLine = false;
      this.buf = '';
      this.line++;
      this.bufLine = this.line;
      from = nl + 1;
    }
  }

  private lineDone(text: string, line: number): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      this.problem(line, 'malformed', parseFailure(trimmed, line, e).message);
      return;
    }
    this.take(value, line);
  }

  /**
   * Arrays and pretty-printed streams: values are cut where their brackets close, strings respected. In a
   * stream, text outside any value is junk, reported a line at a time; a string cannot hold a raw line
   * break, so one there means a torn record, and reading starts again on the next line.
   */
  private pushScanned(chunk: string): void {
    const array = this.mode === 'array';
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) {
        this.line++;
        if (this.inString && !array) {
          const torn = this.bufLine;
          this.problem(torn, 'malformed', `line ${torn}: a record broken off inside a string (truncated)`);
          this.inString = this.escaped = false;
          this.depth = 0;
          this.buf = '';
          start = i + 1;
          this.bufLine = this.line;
          continue;
        }
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (array && !this.opened) {
        // Everything before the array's `[` is blank (that is how the format was told).
        if (c === 91) {
          this.opened = true;
          this.depth = 1;
          start = i + 1;
          this.bufLine = this.line;
        }
        continue;
      }
      if (!array && this.depth === 0) {
        if (c === 123 || c === 91) {
          const junk = (this.buf + chunk.slice(start, i)).trim();
          if (junk) this.junk(junk);
          this.buf = '';
          start = i;
          this.bufLine = this.line;
          this.depth = 1;
        } else if (c === 10) {
          const junk = (this.buf + chunk.slice(start, i)).trim();
          if (junk) this.junk(junk);
          this.buf = '';
          start = i + 1;
          this.bufLine = this.line;
        }
        continue;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        this.depth--;
        if (!array && this.depth === 0) {
          this.valueDone(this.buf + chunk.slice(start, i + 1));
          this.buf = '';
          start = i + 1;
          this.bufLine = this.line;
        } else if (array && this.depth === 0) {
          // The array's closing bracket: the last element (if any) ends here.
          this.valueDone(this.buf + chunk.slice(start, i));
          this.buf = '';
          this.closed = true;
          if (chunk.slice(i + 1).trim()) {
            this.problem(this.line, 'malformed', `line ${this.line}: text after the JSON array's closing ] was not read`);
          }
          return;
        }
      } else if (c === 44 && array && this.depth === 1) {
        this.valueDone(this.buf + chunk.slice(start, i));
        this.buf = '';
        start = i + 1;
        this.bufLine = this.line;
      }
    }
    this.buf += chunk.slice(start);
    if (this.buf.length > MAX_RECORD_CHARS) {
      this.summary.stopped =
        `line ${this.bufLine}: a record longer than ${MAX_RECORD_CHARS} characters; reading stopped there ` +
        '(a decision log holds small records: check that this is the right file)';
      this.buf = '';
    }
  }

  private junk(text: string): void {
    this.problem(this.bufLine, 'malformed', `line ${this.bufLine}: not JSON: ${JSON.stringify(text.slice(0, 60))}`);
  }

  private valueDone(text: string): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    // The line a value starts on: skip the blank lines before it.
    const lead = text.slice(0, text.indexOf(trimmed[0]));
    const line = this.bufLine + (lead.match(/\n/g)?.length ?? 0);
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      this.problem(line, 'malformed', parseFailure(trimmed, line, e).message);
      return;
    }
    this.take(value, line);
  }

  private take(value: unknown, line: number): void {
    const r = classifyRecord(value, line);
    if ('kind' in r) {
      this.problem(r.line, r.kind, r.message);
      return;
    }
    this.summary.records++;
    const t = r.timestamp;
    if (t !== undefined) {
      if (this.summary.first_timestamp === undefined || t < this.summary.first_timestamp) this.summary.first_timestamp = t;
      if (this.summary.last_timestamp === undefined || t > this.summary.last_timestamp) this.summary.last_timestamp = t;
    }
    this.onRecord(r);
  }

  private problem(line: number, kind: LogProblemKind, message: string): void {
    this.summary.problems[kind]++;
    if (this.summary.listed.length < MAX_LISTED_PROBLEMS) this.summary.listed.push({ line, kind, message });
  }
}

/** A whole log held as text (tests, the editor's small logs): the same reader, one chunk. */
export function readDecisionLog(text: string): { records: RecordedDecision[]; summary: DecisionLogSummary } {
  const records: RecordedDecision[] = [];
  const reader = new DecisionLogReader((r) => records.push(r));
  reader.push(text);
  return { records, summary: reader.end() };
}
