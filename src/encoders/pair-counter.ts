/**
 * Open-addressing hash table from an unordered id pair (a ≤ b) to a summed weight, in typed arrays:
 * ~16 bytes per distinct pair, no per-entry objects. This is how co-occurrences are counted without
 * ever allocating a |V|×|V| array.
 */
export class PairCounter {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Float64Array;
  private mask: number;
  size = 0;
  /** Grow when more than this fraction of slots is used (linear probing degrades beyond ~0.7). */
  private static readonly MAX_LOAD = 0.6;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity <<= 1;
    this.keysA = new Int32Array(capacity).fill(-1);
    this.keysB = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  /** Add `weight` to the pair {a, b}; order does not matter. */
  add(a: number, b: number, weight: number): void {
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const keysA = this.keysA;
    const keysB = this.keysB;
    const mask = this.mask;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) & mask;
    for (;;) {
      const k = keysA[slot]!;
      if (k === a && keysB[slot] === b) {
        this.values[slot]! += weight;
        return;
      }
      if (k === -1) break;
      slot = (slot + 1) & mask;
    }
    keysA[slot] = a;
    keysB[slot] = b;
    this.values[slot] = weight;
    if (++this.size > this.keysA.length * PairCounter.MAX_LOAD) this.grow();
  }

  private grow(): void {
    const oldA = this.keysA;
    const oldB = this.keysB;
    const oldValues = this.values;
    const capacity = oldA.length * 2;
    this.keysA = new Int32Array(capacity).fill(-1);
    this.keysB = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < oldA.length; i++) {
      if (oldA[i] !== -1) this.add(oldA[i]!, oldB[i]!, oldValues[i]!);
    }
  }

  /** Visit every stored pair (a ≤ b). */
  forEach(visit: (a: number, b: number, weight: number) => void): void {
    const keysA = this.keysA;
    for (let i = 0; i < keysA.length; i++) {
      if (keysA[i] !== -1) visit(keysA[i]!, this.keysB[i]!, this.values[i]!);
    }
  }
}
