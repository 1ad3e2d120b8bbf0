/**
 * Reads an iptables-restore failure (1.8.x, nft and legacy) into the line of iptables' message that matters and
 * the payload line it points at. Observed forms:
 *   nft:    `iptables-nft-restore: line 2 failed: Bad rule (does a matching rule exist in that chain?).`
 *   nft:    `line 6: CHAIN_DEL failed (Device or resource busy): chain KUMA_MESH_A` (after a bare header line)
 *   both:   `... Chain 'X' does not exist` / `Couldn't load target ...` then `Error occurred at line: 4`
 *   legacy: `iptables-restore: line 3 failed`
 * nft checks jump targets when it commits, so for a missing chain it names the table's COMMIT line; the rule that
 * jumps there is the better line to show. Pure.
 */
import type { Family } from '../model/family.js';
import type { PayloadFault } from './errors.js';

const LINE_PATTERNS = [/^Error occurred at line: (\d+)/m, /\bline (\d+)(?::| failed)/m];
const MISSING_CHAIN = /Chain '([^']+)' does not exist/;
/** The usage hint, the line-number line (read separately) and a bare `iptables-nft-restore v1.8.9 (nf_tables):`. */
const NOISE = [/^Try `/, /^Error occurred at line/, /^ip6?tables[\w-]*restore v[\d.]+ \([^)]*\):$/];
const LOCK_BUSY = /holding the xtables lock/;

/** Legacy iptables-restore with `--wait` gave up waiting for `/run/xtables.lock`. */
export const isLockBusy = (stderr: string): boolean => LOCK_BUSY.test(stderr);

export function describeRestoreFailure(family: Family, stderr: string, payload: string): PayloadFault {
  const meaningful = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.some((noise) => noise.test(l)));

  const payloadLines = payload.split('\n');
  let line: number | undefined;
  for (const pattern of LINE_PATTERNS) {
    const m = pattern.exec(stderr);
    if (m) {
      line = Number(m[1]);
      break;
    }
  }
  const missing = MISSING_CHAIN.exec(stderr)?.[1];
  if (line !== undefined && missing !== undefined && payloadLines[line - 1]?.trim() === 'COMMIT') {
    line = jumpLineBefore(payloadLines, line, missing) ?? line;
  }
  return {
    family,
    iptablesError: meaningful.join('; ') || 'iptables-restore printed no message',
    line,
    payloadLine: line === undefined ? undefined : payloadLines[line - 1],
  };
}

/** The last rule before `commitLine` (1-based), in the same table section, that jumps or goes to `chain`. */
function jumpLineBefore(lines: readonly string[], commitLine: number, chain: string): number | undefined {
  for (let i = commitLine - 2; i >= 0; i--) {
    const text = lines[i]!;
    if (text.startsWith('*')) return undefined;
    const words = text.split(/\s+/);
    const at = words.findIndex((w, j) => (w === '-j' || w === '-g') && words[j + 1] === chain);
    if (at >= 0) return i + 1;
  }
  return undefined;
}
