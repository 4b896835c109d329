/**
 * Cosine similarities of the rows of `data` (n × d, row-major): an n × n symmetric matrix with 1 on
 * the diagonal (0 for an all-zero row, which has no direction).
 */
export function cosineMatrix(data: ArrayLike<number>, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j]! ** 2;
    norms[i] = Math.sqrt(s);
  }
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    out[a * n + a] = norms[a]! > 0 ? 1 : 0;
    for (let b = a + 1; b < n; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += data[a * d + j]! * data[b * d + j]!;
      const c = norms[a]! > 0 && norms[b]! > 0 ? s / (norms[a]! * norms[b]!) : 0;
      out[a * n + b] = c;
      out[b * n + a] = c;
    }
  }
  return out;
}

/**
 * The leaf order of average-linkage (UPGMA) agglomerative clustering of n items, given their
 * similarities (n × n, symmetric; the distance is 1 − similarity), so that similar items sit next to
 * each other and clusters form blocks along the diagonal of a heatmap.
 *
 * At each step the two clusters with the smallest average distance merge (a tie goes to the pair
 * whose first items come first); the merged cluster lists the leaves of the cluster holding the
 * earlier item first. O(n³), for the tens of words a heatmap shows.
 */
export function averageLinkageOrder(similarity: ArrayLike<number>, n: number): number[] {
  // Cluster c: its leaves, and its summed distance to every other cluster (average = sum / sizes).
  const leaves: (number[] | undefined)[] = Array.from({ length: n }, (_, i) => [i]);
  const sums = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) sums[a * n + b] = 1 - similarity[a * n + b]!;
  for (let merges = 0; merges < n - 1; merges++) {
    let bestA = -1;
    let bestB = -1;
    let best = Infinity;
    for (let a = 0; a < n; a++) {
      const la = leaves[a];
      if (!la) continue;
      for (let b = a + 1; b < n; b++) {
        const lb = leaves[b];
        if (!lb) continue;
        const average = sums[a * n + b]! / (la.length * lb.length);
        if (average < best) {
          best = average;
          bestA = a;
          bestB = b;
        }
      }
    }
    // Cluster a absorbs b: a < b, and a cluster's slot is its first item's, so a holds the earlier item.
    const la = leaves[bestA]!;
    const lb = leaves[bestB]!;
    for (let c = 0; c < n; c++) {
      if (!leaves[c] || c === bestA || c === bestB) continue;
      const s = sums[bestA * n + c]! + sums[bestB * n + c]!;
      sums[bestA * n + c] = s;
      sums[c * n + bestA] = s;
    }
    leaves[bestA] = la.concat(lb);
    leaves[bestB] = undefined;
  }
  return n === 0 ? [] : leaves.find((l) => l !== undefined)!;
}
