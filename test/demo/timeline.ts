/**
 * The demo's output: one heading per check with the elapsed time, the evidence indented under it, and a verdict.
 * A check passes when every expectation in it held and it did not throw.
 */
import type { Result } from '../support/world/exec.js';

export interface Check {
  /** Evidence under the heading, indented; the sandbox's temp dir is shown as $DIR to keep lines short. */
  say(text: string): void;
  /** Shows a CLI run: its exit code and summary (stdout), then its own stderr timeline, indented. */
  cli(label: string, result: Result, options?: { timeline?: boolean }): void;
  /** Records an expectation; a failed one is printed at once with what was seen. */
  expect(ok: boolean, what: string, seen?: string): boolean;
}

export interface Timeline {
  check(title: string, body: (c: Check) => Promise<void>): Promise<boolean>;
  say(text: string): void;
  readonly passed: number;
  readonly total: number;
}

export function createTimeline(write: (text: string) => void, shorten: (text: string) => string): Timeline {
  const start = performance.now();
  let passed = 0;
  let total = 0;
  const stamp = () => `[${((performance.now() - start) / 1000).toFixed(1).padStart(5)}s]`;
  const indent = (text: string, by: string) =>
    shorten(text)
      .trimEnd()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `${by}${line.trimEnd()}`)
      .join('\n');

  return {
    get passed() {
      return passed;
    },
    get total() {
      return total;
    },
    say: (text) => write(`${stamp()} ${shorten(text)}\n`),
    async check(title, body) {
      total += 1;
      const n = total;
      write(`${stamp()} ${n}. ${title}\n`);
      const failures: string[] = [];
      const c: Check = {
        say: (text) => write(`${indent(text, '          ')}\n`),
        cli(label, r, o = {}) {
          write(`          ${label}: exit ${r.code}\n`);
          if (r.stdout.trim()) write(`${indent(r.stdout, '            ')}\n`);
          if (o.timeline !== false && r.stderr.trim()) write(`${indent(r.stderr, '            | ')}\n`);
        },
        expect(ok, what, seen) {
          if (!ok) {
            failures.push(what);
            write(`          FAILED: ${what}${seen === undefined ? '' : ` (saw: ${shorten(seen).trim()})`}\n`);
          }
          return ok;
        },
      };
      try {
        await body(c);
      } catch (error) {
        failures.push((error as Error).message);
        write(`          FAILED: ${shorten((error as Error).message)}\n`);
      }
      if (failures.length === 0) passed += 1;
      write(`${stamp()} ${n}. ${failures.length === 0 ? 'ok' : `FAILED (${failures.length})`}: ${title}\n`);
      return failures.length === 0;
    },
  };
}
