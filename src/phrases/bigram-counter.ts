/**
 * Counts of phrase candidates `a [connectors…] b` keyed by three ids: the first word, the sequence of
 * connector words between (0: none; see ConnectorSequences) and the last word. Open addressing with
 * linear probing over flat typed arrays (12 bytes of key and 8 of count a slot), no per-entry
 * objects. Order matters: `new york` and `york new` are different candidates.
 */
export class BigramCounter {
  /** Slot i: keys[3i] = first word (−1: empty), keys[3i + 1] = connector sequence, keys[3i + 2] = last word. */
  private keys: Int32Array;
  private counts: Float64Array;
  private mask: number;
  size = 0;
  /** Grow when more than this fraction of slots is used (linear probing degrades beyond ~0.7). */
  private static readonly MAX_LOAD = 0.6;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity <<= 1;
    this.keys = new Int32Array(3 * capacity).fill(-1);
    this.counts = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  /** Slots of the table. */
  get capacity(): number {
    return this.mask + 1;
  }

  private static hash(a: number, s: number, b: number): number {
    let h = Math.imul(a ^ 0x2545f491, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15) ^ s, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae3d);
    return h ^ (h >>> 16);
  }

  /** The slot holding (a, s, b), or −1. */
  find(a: number, s: number, b: number): number {
    const keys = this.keys;
    let slot = BigramCounter.hash(a, s, b) & this.mask;
    for (;;) {
      const k = keys[3 * slot]!;
      if (k === -1) return -1;
      if (k === a && keys[3 * slot + 1] === s && keys[3 * slot + 2] === b) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Add `weight` to (a, s, b). */
  add(a: number, s: number, b: number, weight = 1): void {
    const keys = this.keys;
    let slot = BigramCounter.hash(a, s, b) & this.mask;
    for (;;) {
      const k = keys[3 * slot]!;
      if (k === -1) break;
      if (k === a && keys[3 * slot + 1] === s && keys[3 * slot + 2] === b) {
        this.counts[slot]! += weight;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    this.put(slot, a, s, b, weight);
    if (++this.size > (this.mask + 1) * BigramCounter.MAX_LOAD) this.rebuild(2 * (this.mask + 1), 0);
  }

  private put(slot: number, a: number, s: number, b: number, count: number): void {
    this.keys[3 * slot] = a;
    this.keys[3 * slot + 1] = s;
    this.keys[3 * slot + 2] = b;
    this.counts[slot] = count;
  }

  /** The count of (a, s, b), 0 when absent. */
  count(a: number, s: number, b: number): number {
    const slot = this.find(a, s, b);
    return slot < 0 ? 0 : this.counts[slot]!;
  }

  /** The count held in a slot `find` returned. */
  countAt(slot: number): number {
    return this.counts[slot]!;
  }

  /** Drop the entries counted fewer than `minCount` times (gensim's prune_vocab); returns how many went. */
  prune(minCount: number): number {
    const before = this.size;
    let capacity = this.mask + 1;
    this.rebuild(capacity, minCount);
    // Shrink when far emptier than needed, so that a pruned table gives its memory back.
    while (capacity > 1 << 16 && this.size < capacity * BigramCounter.MAX_LOAD * 0.25) capacity >>= 1;
    if (capacity < this.mask + 1) this.rebuild(capacity, 0);
    return before - this.size;
  }

  /** Re-insert the entries with count ≥ minCount into a table of `capacity` slots. */
  private rebuild(capacity: number, minCount: number): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    this.keys = new Int32Array(3 * capacity).fill(-1);
    this.counts = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < oldCounts.length; i++) {
      const a = oldKeys[3 * i]!;
      const c = oldCounts[i]!;
      if (a === -1 || c < minCount) continue;
      const s = oldKeys[3 * i + 1]!;
      const b = oldKeys[3 * i + 2]!;
      let slot = BigramCounter.hash(a, s, b) & this.mask;
      while (this.keys[3 * slot] !== -1) slot = (slot + 1) & this.mask;
      this.put(slot, a, s, b, c);
      this.size++;
    }
  }

  /** Every entry: first word, connector sequence, last word, count. */
  *entries(): Generator<[number, number, number, number]> {
    const keys = this.keys;
    for (let i = 0; i < this.counts.length; i++) {
      const a = keys[3 * i]!;
      if (a !== -1) yield [a, keys[3 * i + 1]!, keys[3 * i + 2]!, this.counts[i]!];
    }
  }
}

/**
 * The distinct runs of connector words met between two words, interned: id 0 is the empty run, the
 * others are numbered in order of first appearance.
 */
export class ConnectorSequences {
  private readonly ids = new Map<string, number>([['', 0]]);
  readonly sequences: Int32Array[] = [new Int32Array(0)];

  /** The id of ids[0 .. n), made if `create` (else −1 when unknown). */
  id(ids: Int32Array, n: number, create: boolean): number {
    if (n === 0) return 0;
    let key = String(ids[0]);
    for (let i = 1; i < n; i++) key += `,${ids[i]}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      if (!create) return -1;
      id = this.sequences.length;
      this.ids.set(key, id);
      this.sequences.push(ids.slice(0, n));
    }
    return id;
  }
}
