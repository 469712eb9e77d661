// Strings kept after the text they were read from is done with (a scanned pack's id and title, the
// ids an analysis recorded reading, a merge's parents). V8 makes a substring of 13 characters or more a slice
// that points into its source, so keeping a pack's title kept its whole file text alive: a workspace
// pass over 500 packs held every pack's text twice over, against what the catalog and the workspace
// report mean to keep (findings, not texts).

/** V8's shortest sliced string: anything shorter is copied when cut. */
const SLICE_MIN = 13;

/** `s` as a string of its own, sharing no storage with a text it may have been cut from. */
export function unsliced(s: string): string {
  // Flattening a fresh concatenation copies its characters; the slice taken of it holds only that copy.
  return s.length < SLICE_MIN ? s : (' ' + s).slice(1);
}
