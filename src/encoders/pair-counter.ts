/**
 * Open-addressing hash table from an unordered id pair (a ≤ b) to a summed weight. Each slot is two
 * float64s side by side — the key a·n + b + 1 (exact below 2^53) and the weight — so a probe
 * touches one cache line (the table is far larger than the caches, and cache misses are the cost).
 * ~16 bytes a slot, no per-entry objects: co-occurrences are counted without a |V|×|V| array.
 */
export class PairCounter {
  /** Slot i: table[2i] = key + 1 (0 = empty), table[2i + 1] = weight. */
  private table: Float64Array;
  private mask: number;
  size = 0;
  /** Grow when more than this fraction of slots is used (linear probing degrades beyond ~0.7). */
  private static readonly MAX_LOAD = 0.6;

  /**
   * `n`: ids are in [0, n). The table doubles as it fills; once it has `maxCapacity` slots it calls
   * `onFull` instead (which must empty it, e.g. spill it and `clear`), if given.
   */
  constructor(
    private readonly n: number,
    initialCapacity = 1 << 16,
    private readonly maxCapacity = Infinity,
    private readonly onFull?: () => void,
  ) {
    let capacity = 1;
    while (capacity < Math.min(initialCapacity, maxCapacity)) capacity <<= 1;
    this.table = new Float64Array(2 * capacity);
    this.mask = capacity - 1;
  }

  /** Add `weight` to the pair {a, b}; order does not matter. */
  add(a: number, b: number, weight: number): void {
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const key = a * this.n + b + 1;
    const table = this.table;
    const mask = this.mask;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) & mask;
    for (;;) {
      const k = table[2 * slot]!;
      if (k === key) {
        table[2 * slot + 1]! += weight;
        return;
      }
      if (k === 0) break;
      slot = (slot + 1) & mask;
    }
    table[2 * slot] = key;
    table[2 * slot + 1] = weight;
    if (++this.size > (mask + 1) * PairCounter.MAX_LOAD) {
      if (this.onFull && 2 * (mask + 1) > this.maxCapacity) this.onFull();
      else this.grow();
    }
  }

  /** Slots of the table (each PAIR_SLOT_BYTES bytes). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Give the table's memory back (the counter is empty and small afterwards). */
  release(): void {
    this.table = new Float64Array(2);
    this.mask = 0;
    this.size = 0;
  }

  /** Empty the table, keeping its size. */
  clear(): void {
    this.table.fill(0);
    this.size = 0;
  }

  /** The summed weight of the pair {a, b} (a ≤ b), 0 when absent. */
  private weightOf(a: number, b: number): number {
    const key = a * this.n + b + 1;
    const table = this.table;
    const mask = this.mask;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) & mask;
    for (let k = table[2 * slot]!; k !== 0; k = table[2 * slot]!) {
      if (k === key) return table[2 * slot + 1]!;
      slot = (slot + 1) & mask;
    }
    return 0;
  }

  /** Every stored pair as parallel arrays (a ≤ b), sorted by (a, b): the keys a·n + b are sorted natively, then each weight is looked up. */
  sortedEntries(): { a: Uint32Array; b: Uint32Array; weight: Float64Array } {
    const keys = new Float64Array(this.size);
    const table = this.table;
    let q = 0;
    for (let i = 0; i < table.length; i += 2) if (table[i] !== 0) keys[q++] = table[i]!;
    keys.sort();
    const a = new Uint32Array(this.size);
    const b = new Uint32Array(this.size);
    const weight = new Float64Array(this.size);
    const n = this.n;
    for (let k = 0; k < keys.length; k++) {
      const row = Math.floor((keys[k]! - 1) / n);
      const col = keys[k]! - 1 - row * n;
      a[k] = row;
      b[k] = col;
      weight[k] = this.weightOf(row, col);
    }
    return { a, b, weight };
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    this.table = new Float64Array(2 * capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) {
      const key = old[i]!;
      if (key !== 0) {
        const a = Math.floor((key - 1) / this.n);
        this.add(a, key - 1 - a * this.n, old[i + 1]!);
      }
    }
  }

  /** Every stored pair as parallel arrays (a ≤ b), in table order. */
  entries(): { a: Int32Array; b: Int32Array; weight: Float64Array } {
    const a = new Int32Array(this.size);
    const b = new Int32Array(this.size);
    const weight = new Float64Array(this.size);
    const table = this.table;
    const n = this.n;
    let q = 0;
    for (let i = 0; i < table.length; i += 2) {
      const key = table[i]!;
      if (key === 0) continue;
      const row = Math.floor((key - 1) / n);
      a[q] = row;
      b[q] = key - 1 - row * n;
      weight[q++] = table[i + 1]!;
    }
    return { a, b, weight };
  }
}
