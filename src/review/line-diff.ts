/**
 * Unified diff of two small texts (a Dataplane, a tproxy config, an argv one flag per line). Texts here are tens of
 * lines, so a plain LCS table is simpler and fast enough; hunks carry `context` lines around each change.
 */
export function unifiedDiff(before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lcsOps(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2*context unchanged lines.
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && ops[next]!.kind !== ' ') next++;
      let gap = next;
      while (gap < ops.length && ops[gap]!.kind === ' ') gap++;
      end = gap < ops.length && gap - next <= 2 * context ? gap : Math.min(ops.length, next + context);
      if (end !== gap) break;
    }
    const slice = ops.slice(start, end);
    const aStart = (ops[start]?.aIndex ?? 0) + 1;
    const bStart = (ops[start]?.bIndex ?? 0) + 1;
    const aLen = slice.filter((o) => o.kind !== '+').length;
    const bLen = slice.filter((o) => o.kind !== '-').length;
    hunks.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of slice) hunks.push(`${o.kind}${o.text}`);
    i = end;
    start = end;
  }
  return `${hunks.join('\n')}\n`;
}

/** GNU diff's hunk range: `start,len`, `start` alone for one line, `start-1,0` for none. */
const range = (start: number, len: number) => (len === 1 ? `${start}` : `${len === 0 ? start - 1 : start},${len}`);

interface Op {
  kind: ' ' | '-' | '+';
  text: string;
  /** Position in `a` (for ' ' and '-') or where it would be; same for `b`. */
  aIndex: number;
  bIndex: number;
}

function lcsOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const table = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] =
        a[i] === b[j]
          ? table[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i]!, aIndex: i++, bIndex: j++ });
    // Deletions before insertions, as GNU diff prints a replaced line.
    else if (i < n && (j === m || table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!)) {
      ops.push({ kind: '-', text: a[i]!, aIndex: i++, bIndex: j });
    } else ops.push({ kind: '+', text: b[j]!, aIndex: i, bIndex: j++ });
  }
  return ops;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
