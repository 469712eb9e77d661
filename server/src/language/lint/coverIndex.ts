// Which patterns of a list cover a given pattern (every target it matches, they match too: SPEC 2.3).
// Patterns are filed by their literal prefix, then by a short key taken from their literal suffix or
// their longest literal middle part, so one question looks at a handful of candidates instead of the
// whole list. A covering pattern must pass every filter, so the answers are exact.
import { globCovers } from '../../policy/glob';
import type { RuleEntry } from '../parse/ruleLists';

/**
 * At most this many candidates are weighed for one pattern; a pattern with more is not judged. This
 * keeps lint bounded on lists built to defeat the index (thousands of `*a*`-like patterns), and the
 * answer for one pattern depends only on the list, never on what was asked before.
 */
export const CANDIDATE_LIMIT = 4000;

const EXACT = 0;
const ANY = 1;
const SUFFIX = 2;
const MIDDLE = 3;
/** Filed under a number of its literal parts (numberedKey). */
const NUMBER = 4;

/** A pattern of the list as the index files it (its prefix is its bucket's). */
interface Outer {
  entry: RuleEntry;
  kind: number;
  /** EXACT: the text; SUFFIX: the suffix; MIDDLE: the longest middle part; NUMBER: the part holding the key. */
  literal: string;
  /** The key it is filed under: the last (up to 3) characters of `literal`; NUMBER: see numberedKey. */
  key: string;
  /** The last question that looked at it (each candidate is weighed once per question). */
  seen: number;
  /** The length of its literal prefix (its bucket's). */
  prefixLength: number;
}

const KEY_LENGTH = 3;

/** Buckets up to this size are scanned, key checks inline; larger ones file their patterns by key. */
const SCANNED = 16;

/** The patterns of a large bucket, filed by key. */
class Keyed {
  exact: Outer[] = [];
  any: Outer[] = [];
  suffix = new Map<string, Outer[]>();
  middle = new Map<string, Outer[]>();
  /**
   * By the hash of their key (hashOf): a question looks up about ten slices of each run of digits, and
   * hashing them in place allocates none; takeHashed drops the rare outer whose key only shares the hash.
   */
  numbers = new Map<number, Outer[]>();
  /** How many middle keys there are of each length (1..3), so a question tries only those. */
  middleLengths = [0, 0, 0, 0];
  /** How many number keys there are of each form (numberForm), so a question looks up only those. */
  numberForms = [0, 0, 0, 0];

  add(o: Outer): void {
    if (o.kind === EXACT) this.exact.push(o);
    else if (o.kind === ANY) this.any.push(o);
    else if (o.kind === NUMBER) {
      const h = hashOf(o.key);
      const list = this.numbers.get(h);
      if (list) list.push(o);
      else this.numbers.set(h, [o]);
      this.numberForms[numberForm(o.key)]++;
    } else {
      const map = o.kind === SUFFIX ? this.suffix : this.middle;
      const list = map.get(o.key);
      if (list) list.push(o);
      else map.set(o.key, [o]);
      if (o.kind === MIDDLE) this.middleLengths[o.key.length]++;
    }
  }

  remove(o: Outer): void {
    if (o.kind === EXACT) removeFrom(this.exact, o);
    else if (o.kind === ANY) removeFrom(this.any, o);
    else if (o.kind === NUMBER) {
      const h = hashOf(o.key);
      const list = this.numbers.get(h);
      removeFrom(list, o);
      if (list && !list.length) this.numbers.delete(h);
      this.numberForms[numberForm(o.key)]--;
    } else {
      const map = o.kind === SUFFIX ? this.suffix : this.middle;
      const list = map.get(o.key);
      removeFrom(list, o);
      if (list && !list.length) map.delete(o.key);
      if (o.kind === MIDDLE) this.middleLengths[o.key.length]--;
    }
  }
}

/** The patterns sharing one literal prefix. */
class Bucket {
  keyed?: Keyed;
  /** The next bucket whose prefix has the same hash. */
  next?: Bucket;
  // Most prefixes hold one pattern: an array of exactly one, not one with room to grow.
  constructor(
    readonly prefix: string,
    public outers: Outer[],
  ) {}
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Numbers longer than this are not used as keys (a question tries every run of digits up to it). */
const NUMBER_LENGTH = 12;

/**
 * Packs generated from an inventory (`**\/team-4512/**\/*.pem`, `*terraform apply*module.m77*`) share
 * every literal but a number, so a key taken from the suffix or the longest part puts most of the list
 * behind a few keys and judging the list turns quadratic. The number tells them apart: such a pattern
 * is filed under the longest run of digits in its literal parts after the prefix (the last of equal
 * ones), with the character before and after it where the part has one (`-4512/`, so `-45124/` does not
 * share its key). Every literal part of a covering pattern appears in the covered one after the prefix,
 * so a question that tries every run of digits of the inner (with a character on either side) finds it.
 * Undefined when no part holds a number short enough.
 */
function numberedKey(text: string, from: number): [string, string] | undefined {
  // One scan, no split: every pattern of the list is filed, so this is on the path of every open.
  let bestStart = -1;
  let bestEnd = -1;
  for (let i = from; i < text.length;) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && isDigit(text.charCodeAt(j))) j++;
    if (j - i <= NUMBER_LENGTH && j - i >= bestEnd - bestStart) {
      bestStart = i;
      bestEnd = j;
    }
    i = j;
  }
  if (bestStart < 0) return undefined;
  // The part holding the run ends at a `*` (or the text's end) on either side; the key takes the
  // character next to the run on each side that is still inside the part (never a digit: runs are whole).
  const partStart = Math.max(from, text.lastIndexOf('*', bestStart) + 1);
  const star = text.indexOf('*', bestEnd);
  const partEnd = star < 0 ? text.length : star;
  const keyStart = bestStart > partStart ? bestStart - 1 : bestStart;
  const keyEnd = bestEnd < partEnd ? bestEnd + 1 : bestEnd;
  return [text.slice(partStart, partEnd), text.slice(keyStart, keyEnd)];
}

/**
 * The form of a number key, by which sides hold the character next to the run of digits: 0 neither
 * (the part is the number alone), 1 only before, 2 only after, 3 both. A question looks up only the
 * forms a bucket holds: a key with a character on both sides can only be a whole run of the inner's
 * digits with its neighbours, one look-up per run.
 */
function numberForm(key: string): number {
  return (isDigit(key.charCodeAt(0)) ? 0 : 1) | (isDigit(key.charCodeAt(key.length - 1)) ? 0 : 2);
}

/** How the index files a pattern. */
function describe(entry: RuleEntry): Outer {
  const text = entry.text!;
  const first = text.indexOf('*');
  if (first < 0) return { entry, kind: EXACT, literal: text, key: '', seen: 0, prefixLength: text.length };
  const last = text.lastIndexOf('*');
  const numbered = numberedKey(text, first + 1);
  if (numbered) return { entry, kind: NUMBER, literal: numbered[0], key: numbered[1], seen: 0, prefixLength: first };
  const suffix = text.slice(last + 1);
  if (suffix) return { entry, kind: SUFFIX, literal: suffix, key: suffix.slice(-KEY_LENGTH), seen: 0, prefixLength: first };
  const middle = longestPart(text, first + 1, last);
  // The end of a literal tells patterns apart better than its start (`*billing-v2*`, `*pay1234*`).
  if (middle) return { entry, kind: MIDDLE, literal: middle, key: middle.slice(-KEY_LENGTH), seen: 0, prefixLength: first };
  return { entry, kind: ANY, literal: '', key: '', seen: 0, prefixLength: first };
}

/** The longest run without a `*` from `from` to before `to` (the first of equal ones). */
function longestPart(text: string, from: number, to: number): string {
  let bestStart = from;
  let bestEnd = from;
  for (let i = from; i < to;) {
    const star = text.indexOf('*', i);
    const end = star < 0 || star > to ? to : star;
    if (end - i > bestEnd - bestStart) {
      bestStart = i;
      bestEnd = end;
    }
    i = end + 1;
  }
  return text.slice(bestStart, bestEnd);
}

/**
 * Whether a question about `inner` weighs `o`, filed in a bucket with a prefix of length `len` that
 * starts `inner` (`tail`: what follows the inner's last `*`). The keyed lookups find exactly these.
 */
function weighs(o: Outer, inner: string, tail: string, len: number): boolean {
  switch (o.kind) {
    case EXACT:
      return len === inner.length;
    case ANY:
      return true;
    case SUFFIX:
      return tail.endsWith(o.key);
    default: // MIDDLE and NUMBER
      return inner.indexOf(o.key, len) >= 0;
  }
}

/** The hash of the empty text; hashStep adds one character (questions extend a hash as they go). */
const HASH_SEED = 7;

function hashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/** The hash of `s` from `start` to before `end` (all of it by default), made in place. */
function hashOf(s: string, start = 0, end = s.length): number {
  let h = HASH_SEED;
  for (let i = start; i < end; i++) h = hashStep(h, s.charCodeAt(i));
  return h;
}

function removeFrom(list: Outer[] | undefined, o: Outer): void {
  if (!list) return;
  const i = list.indexOf(o);
  if (i < 0) return;
  list[i] = list[list.length - 1];
  list.pop();
}

/** The part of a pattern after its last `*` (all of it without one): where an outer's suffix must end. */
function tailOf(inner: string): string {
  const last = inner.lastIndexOf('*');
  return last < 0 ? inner : inner.slice(last + 1);
}

export class CoverIndex {
  private buckets = new Map<number, Bucket>();
  /** How many buckets have a prefix of each length. */
  private prefixLengths: number[] = [];
  private question = 0;
  /** Candidates weighed by every question so far: the work a test counts (issue 14), not time. */
  weighed = 0;

  constructor(entries: readonly RuleEntry[] = []) {
    // Indexed, as the loops below that run once per entry or question: a pack's first analysis runs in
    // the interpreter, where `for…of` and array destructuring allocate an iterator result per step.
    for (let i = 0; i < entries.length; i++) this.add(entries[i]);
  }

  add(entry: RuleEntry): void {
    if (entry.text === undefined) return;
    const o = describe(entry);
    const b = this.bucket(entry.text.slice(0, o.prefixLength), o);
    if (!b) return;
    b.outers.push(o);
    if (b.keyed) b.keyed.add(o);
    else if (b.outers.length > SCANNED) {
      b.keyed = new Keyed();
      for (const x of b.outers) b.keyed.add(x);
    }
  }

  remove(entry: RuleEntry): void {
    if (entry.text === undefined) return;
    const prefix = entry.text.slice(0, describe(entry).prefixLength);
    const b = this.bucket(prefix);
    const o = b?.outers.find((x) => x.entry === entry);
    if (!b || !o) return;
    removeFrom(b.outers, o);
    b.keyed?.remove(o);
    if (b.outers.length) return;
    const h = hashOf(prefix);
    let first = this.buckets.get(h);
    if (first === b) first = b.next;
    else for (let x = first; x; x = x.next) if (x.next === b) x.next = b.next;
    if (first) this.buckets.set(h, first);
    else this.buckets.delete(h);
    this.prefixLengths[prefix.length]--;
  }

  /** The bucket of a prefix; given `first`, a missing one is made holding it (and undefined answered). */
  private bucket(prefix: string, first?: Outer): Bucket | undefined {
    const h = hashOf(prefix);
    const head = this.buckets.get(h);
    for (let b = head; b; b = b.next) if (b.prefix === prefix) return b;
    if (!first) return undefined;
    const b = new Bucket(prefix, [first]);
    b.next = head;
    this.buckets.set(h, b);
    while (this.prefixLengths.length <= prefix.length) this.prefixLengths.push(0);
    this.prefixLengths[prefix.length]++;
    return undefined;
  }

  /** A test telling the patterns for which `outer` is a candidate (the filters a question applies, in one place). */
  static candidateTest(outer: string): (inner: string) => boolean {
    const o = describe({ text: outer } as RuleEntry);
    const prefix = outer.slice(0, o.prefixLength);
    return (inner) =>
      inner.startsWith(prefix) && (o.kind !== EXACT || inner === outer) && weighs(o, inner, tailOf(inner), o.prefixLength);
  }

  /** Candidates of the current question (reused: a question allocates nothing it keeps). */
  private candidates: Outer[] = [];
  private count = 0;

  private take(list: Outer[] | undefined, stamp: number): void {
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const o = list[i];
      if (o.seen === stamp) continue;
      o.seen = stamp;
      this.candidates[this.count++] = o;
    }
  }

  /** The NUMBER outers whose key is exactly `inner` from `start` to before `end`. */
  private takeKey(numbers: Map<number, Outer[]>, inner: string, start: number, end: number, stamp: number): void {
    this.takeHashed(numbers.get(hashOf(inner, start, end)), inner, start, end, stamp);
  }

  /** takeKey with the hash already made: outers whose key only shares it are left out. */
  private takeHashed(list: Outer[] | undefined, inner: string, start: number, end: number, stamp: number): void {
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const o = list[i];
      if (o.seen === stamp || o.key.length !== end - start || !inner.startsWith(o.key, start)) continue;
      o.seen = stamp;
      this.candidates[this.count++] = o;
    }
  }

  /**
   * The NUMBER outers whose key occurs in `inner` from `len` on: for every run of digits there, its
   * slices that can be a key of a form the bucket holds (numberForm): the whole run with its neighbours,
   * a start of it after the character before, an end of it before the character after, any part of it.
   * Keys are at most NUMBER_LENGTH digits; a neighbour before `len` is not the inner's to offer.
   */
  private takeNumbers(keyed: Keyed, inner: string, len: number, stamp: number): void {
    const numbers = keyed.numbers;
    const forms = keyed.numberForms;
    const alone = forms[0];
    const before = forms[1];
    const after = forms[2];
    const both = forms[3];
    const n = inner.length;
    for (let s = len; s < n;) {
      if (!isDigit(inner.charCodeAt(s))) {
        s++;
        continue;
      }
      let e = s;
      while (e < n && isDigit(inner.charCodeAt(e))) e++;
      const lead = s > len;
      const trail = e < n;
      if (both && lead && trail && e - s <= NUMBER_LENGTH) this.takeKey(numbers, inner, s - 1, e + 1, stamp);
      if (before && lead) {
        let h = hashStep(HASH_SEED, inner.charCodeAt(s - 1));
        for (let j = s + 1; j <= e && j - s <= NUMBER_LENGTH; j++) {
          h = hashStep(h, inner.charCodeAt(j - 1));
          this.takeHashed(numbers.get(h), inner, s - 1, j, stamp);
        }
      }
      if (after && trail) for (let q = Math.max(s, e - NUMBER_LENGTH); q < e; q++) this.takeKey(numbers, inner, q, e + 1, stamp);
      if (alone)
        for (let q = s; q < e; q++) {
          let h = HASH_SEED;
          for (let j = q + 1; j <= e && j - q <= NUMBER_LENGTH; j++) {
            h = hashStep(h, inner.charCodeAt(j - 1));
            this.takeHashed(numbers.get(h), inner, q, j, stamp);
          }
        }
      s = e;
    }
  }

  /** The candidate outers of `inner` in the bucket with prefix length `len` (hash `h`), into `candidates`. */
  private gather(inner: string, prefix: string, tail: string, len: number, h: number, stamp: number): void {
    this.count = 0;
    let b = this.buckets.get(h);
    while (b && (b.prefix.length !== len || !prefix.startsWith(b.prefix))) b = b.next;
    if (!b) return;
    const keyed = b.keyed;
    if (!keyed) {
      for (const o of b.outers) {
        if (o.seen === stamp || !weighs(o, inner, tail, len)) continue;
        o.seen = stamp;
        this.candidates[this.count++] = o;
      }
      return;
    }
    if (len === inner.length) this.take(keyed.exact, stamp);
    this.take(keyed.any, stamp);
    for (let k = 1; k <= KEY_LENGTH && k <= tail.length; k++) this.take(keyed.suffix.get(tail.slice(-k)), stamp);
    if (keyed.numbers.size) this.takeNumbers(keyed, inner, len, stamp);
    if (keyed.middle.size) {
      const lengths = keyed.middleLengths;
      for (let q = len; q < inner.length; q++) {
        for (let k = 1; k <= KEY_LENGTH && q + k <= inner.length; k++)
          if (lengths[k]) this.take(keyed.middle.get(inner.substr(q, k)), stamp);
      }
    }
  }

  /**
   * With `all` undefined: the outer that covers `inner` and passes `accept`, from the bucket with the
   * shortest prefix, the first in the list there; undefined when none does, or when more than `limit`
   * candidates had to be weighed to know. With `all`: every covering outer, pushed onto it.
   */
  private ask(
    inner: string,
    accept: ((outer: RuleEntry) => boolean) | undefined,
    limit: number,
    all: RuleEntry[] | undefined,
    weighed?: RuleEntry[],
  ): RuleEntry | undefined {
    const stamp = ++this.question;
    const first = inner.indexOf('*');
    const prefix = first < 0 ? inner : inner.slice(0, first);
    const tail = first < 0 ? inner : inner.slice(inner.lastIndexOf('*') + 1);
    let best: RuleEntry | undefined;
    let count = 0;
    let h = HASH_SEED;
    for (let len = 0; len <= prefix.length; len++) {
      if (len > 0) h = hashStep(h, prefix.charCodeAt(len - 1));
      if (!this.prefixLengths[len]) continue;
      this.gather(inner, prefix, tail, len, h, stamp);
      const n = this.count;
      if (!n) continue;
      count += n;
      this.weighed += n;
      if (!all && count > limit) return undefined;
      for (let i = 0; i < n; i++) {
        const o = this.candidates[i];
        weighed?.push(o.entry);
        if (best && best.index < o.entry.index) continue;
        if (!quickCheck(o, inner, tail, len) || (accept && !accept(o.entry)) || !globCovers(o.entry.text!, inner)) continue;
        if (all) all.push(o.entry);
        else best = o.entry;
      }
      if (best) return best;
    }
    return undefined;
  }

  /**
   * The outer that covers `inner` and passes `accept` (any, without one), from the bucket with the
   * shortest prefix, the first in the list there. Undefined when none does, or when more than `limit`
   * candidates had to be weighed to know.
   */
  find(inner: string, accept?: (outer: RuleEntry) => boolean, limit = CANDIDATE_LIMIT): RuleEntry | undefined {
    return this.ask(inner, accept, limit, undefined);
  }

  /** Every outer a question about `inner` weighs, in list order (candidateTest names the same ones). */
  candidatesOf(inner: string): RuleEntry[] {
    const out: RuleEntry[] = [];
    this.ask(inner, undefined, Infinity, [], out);
    return out.sort((a, b) => a.index - b.index);
  }

  /** Every outer that covers `inner`, in list order. */
  findAll(inner: string): RuleEntry[] {
    const out: RuleEntry[] = [];
    this.ask(inner, undefined, Infinity, out);
    return out.sort((a, b) => a.index - b.index);
  }
}

/** Cheap necessary conditions before the exact comparison (`tail`: what follows the inner's last `*`). */
function quickCheck(o: Outer, inner: string, tail: string, len: number): boolean {
  switch (o.kind) {
    case EXACT:
      return inner === o.literal;
    case SUFFIX:
      return tail.endsWith(o.literal);
    case MIDDLE:
    case NUMBER:
      return inner.includes(o.literal, len);
    default:
      return true;
  }
}
