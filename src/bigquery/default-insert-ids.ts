import { numberedInsertId } from './insert-id.js';

const MIN_SLOTS = 1024;
/** The most slots made up front (32 MiB): a call with more rows grows the table as it goes. */
const MAX_INITIAL_SLOTS = 1 << 22;

/** Slots for `rows` rows at most half full, so that the table need not grow (a growth holds both). */
function slotsFor(rows: number): number {
  let slots = MIN_SLOTS;
  while (slots < rows * 2 && slots < MAX_INITIAL_SLOTS) slots *= 2;
  return slots;
}

/**
 * The default insert ids of one `insertRows` call: row `i`'s `stableInsertId`, numbered when the
 * same row (same canonical JSON, so the same hash) already came earlier in the call (`<hash>-1` for
 * the second copy, `<hash>-2` for the third, ...). Two free throws of one player in one batch are two
 * rows, so they must not share an id (BigQuery would keep one and the count would say two); a re-send
 * of the same call, or a redelivery of the same rows in any order (the number of a copy depends only on
 * the equal rows before it), gives every row the same ids again, so BigQuery still de-duplicates it.
 *
 * Rows are numbered in the caller's order, as their batches are made (each row is hashed once, when
 * its request text is made). Memory: 16 to 32 bytes per row (an open-addressing table of the first 4
 * bytes of each hash and the first row with them, in typed arrays, sized once for the call's rows: no
 * object per row, several times faster than a `Map`, and no growth that would hold the old table and
 * the new one at once); a prefix shared by two rows is told apart by their full hashes, kept only for
 * such prefixes.
 *
 * @internal
 */
export class DefaultInsertIds {
  /** Open addressing, linear probing: slot to a hash's first 4 bytes, and to 1 + its first row (0: empty). */
  #prefixes: Uint32Array;
  #firsts: Int32Array;
  #used = 0;
  /** Prefixes shared by more than one row, whose rows are counted by full hash in `#copiesSoFar`. */
  readonly #shared = new Set<number>();
  readonly #copiesSoFar = new Map<string, number>();
  /** Row index to its copy number (1 for the first repeat), only for rows that repeat an earlier one. */
  readonly #copies = new Map<number, number>();
  /** Rows `0..#numbered-1` are numbered. */
  #numbered = 0;

  /**
   * @param hashOf row `i`'s `stableInsertId` (the SHA-256 hex of its canonical JSON)
   * @param rowCount the rows of the call, to size the table once (it still grows past them)
   */
  constructor(
    private readonly hashOf: (i: number) => string,
    rowCount = 0,
  ) {
    const slots = slotsFor(rowCount);
    this.#prefixes = new Uint32Array(slots);
    this.#firsts = new Int32Array(slots);
  }

  /**
   * Row `i`'s insert id; `hash` is its `stableInsertId` when the caller just made it. Rows are numbered
   * in order, so asking for a row ahead of the last one numbers (and hashes) the rows between.
   */
  idOf(i: number, hash: string = this.hashOf(i)): string {
    while (this.#numbered < i) this.#number(this.#numbered, this.hashOf(this.#numbered));
    if (this.#numbered === i) this.#number(i, hash);
    return numberedInsertId(hash, this.#copies.get(i) ?? 0);
  }

  #number(i: number, hash: string): void {
    this.#numbered = i + 1;
    const prefix = prefixOf(hash);
    const first = this.#firstWith(prefix, i);
    if (first === i) return;
    if (!this.#shared.has(prefix)) {
      this.#shared.add(prefix);
      this.#copiesSoFar.set(this.hashOf(first), 1);
    }
    const before = this.#copiesSoFar.get(hash) ?? 0;
    this.#copiesSoFar.set(hash, before + 1);
    if (before > 0) this.#copies.set(i, before);
  }

  /** The first row whose hash starts with `prefix`; `i` (recorded as that row) when none came before. */
  #firstWith(prefix: number, i: number): number {
    const mask = this.#prefixes.length - 1;
    // The prefix is uniform (SHA-256), so its low bits are a good slot.
    let slot = prefix & mask;
    for (let first = this.#firsts[slot] as number; first !== 0; first = this.#firsts[slot] as number) {
      if (this.#prefixes[slot] === prefix) return first - 1;
      slot = (slot + 1) & mask;
    }
    this.#prefixes[slot] = prefix;
    this.#firsts[slot] = i + 1;
    // At most half full, so probes stay short.
    if (++this.#used * 2 > this.#prefixes.length) this.#grow();
    return i;
  }

  #grow(): void {
    const prefixes = this.#prefixes;
    const firsts = this.#firsts;
    this.#prefixes = new Uint32Array(prefixes.length * 2);
    this.#firsts = new Int32Array(prefixes.length * 2);
    const mask = this.#prefixes.length - 1;
    for (let s = 0; s < prefixes.length; s++) {
      if (firsts[s] === 0) continue;
      let slot = (prefixes[s] as number) & mask;
      while (this.#firsts[slot] !== 0) slot = (slot + 1) & mask;
      this.#prefixes[slot] = prefixes[s] as number;
      this.#firsts[slot] = firsts[s] as number;
    }
  }
}

/** The first 4 bytes of a hex hash, as an unsigned integer (3x faster than `parseInt` of a slice). */
function prefixOf(hash: string): number {
  let prefix = 0;
  for (let k = 0; k < 8; k++) {
    const c = hash.charCodeAt(k);
    prefix = (prefix << 4) | (c < 58 ? c - 48 : c - 87); // '0'-'9' are 48-57, 'a'-'f' 97-102
  }
  return prefix >>> 0;
}
