/**
 * Lines up an expected and an actual list of rule keys, where order matters: the longest common subsequence
 * stays in place; what is left is either the same rule somewhere else (reordered), a different rule at the same
 * place (changed), or only on one side (missing / unexpected).
 */

export interface SequenceAlignment {
  /** [expectedIndex, actualIndex] pairs kept in order. */
  matched: Array<[number, number]>;
  reordered: Array<[number, number]>;
  changed: Array<[number, number]>;
  missing: number[];
  unexpected: number[];
}

export function alignSequences(expected: readonly string[], actual: readonly string[]): SequenceAlignment {
  const matched = longestCommonSubsequence(expected, actual);
  const expectedLeft = unmatched(expected.length, new Set(matched.map(([e]) => e)));
  const actualLeft = unmatched(actual.length, new Set(matched.map(([, a]) => a)));

  const reordered: Array<[number, number]> = [];
  for (const e of [...expectedLeft]) {
    const a = actualLeft.find((i) => actual[i] === expected[e]);
    if (a === undefined) continue;
    reordered.push([e, a]);
    remove(expectedLeft, e);
    remove(actualLeft, a);
  }

  // "Same place" = between the same two anchors of the common subsequence.
  const gapOf = (index: number, side: 0 | 1) => matched.filter((pair) => pair[side] < index).length;
  const changed: Array<[number, number]> = [];
  for (const e of [...expectedLeft]) {
    const a = actualLeft.find((i) => gapOf(i, 1) === gapOf(e, 0));
    if (a === undefined) continue;
    changed.push([e, a]);
    remove(expectedLeft, e);
    remove(actualLeft, a);
  }
  return { matched, reordered, changed, missing: expectedLeft, unexpected: actualLeft };
}

function longestCommonSubsequence(x: readonly string[], y: readonly string[]): Array<[number, number]> {
  const rows = x.length + 1;
  const cols = y.length + 1;
  const len = new Array<number>(rows * cols).fill(0);
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      len[i * cols + j] =
        x[i] === y[j] ? len[(i + 1) * cols + j + 1]! + 1 : Math.max(len[(i + 1) * cols + j]!, len[i * cols + j + 1]!);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) pairs.push([i++, j++]);
    else if (len[(i + 1) * cols + j]! >= len[i * cols + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function unmatched(length: number, used: Set<number>): number[] {
  return Array.from({ length }, (_, i) => i).filter((i) => !used.has(i));
}

function remove(list: number[], value: number): void {
  list.splice(list.indexOf(value), 1);
}
