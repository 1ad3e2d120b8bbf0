import { open } from 'node:fs/promises';
import { escapeControls } from '../issues.js';

/**
 * The last lines of kuma-dp's log, fit to quote in an error: a bounded number of lines of bounded length, control
 * characters escaped (a log line must not move the reader's terminal), and anything shaped like a dataplane token
 * replaced. Kuma's dataplane tokens are JWTs (kuma.io docs, "Data plane proxy token"); the token file itself is
 * never read.
 */
export interface LogExcerpt {
  /** Where the whole log is: a file path, or the command that shows it (`journalctl -u ...`). */
  where: string;
  lines: string[];
}

export const EXCERPT_LINES = 10;
const MAX_LINE = 200;
/** Read at most this much of the end of a log file: the excerpt needs ten short lines, not a 1 GB log. */
const TAIL_BYTES = 64 * 1024;

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BEARER = /(bearer\s+)\S+/gi;

/** One log line as it may be shown: no control characters, no token, at most MAX_LINE characters. */
export function sanitizeLogLine(line: string): string {
  const safe = escapeControls(
    line.replace(JWT, '[token redacted]').replace(BEARER, '$1[redacted]').replace(/\t/g, ' '),
  );
  return safe.length > MAX_LINE ? `${safe.slice(0, MAX_LINE)}... (${safe.length - MAX_LINE} more characters)` : safe;
}

/** The last `count` non-empty lines of `text`, sanitized. */
export function lastLines(text: string, count = EXCERPT_LINES): string[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.slice(-count).map(sanitizeLogLine);
}

/** The end of a log file; no lines when it cannot be read (the message then still names the file). */
export async function readLogTail(path: string, count = EXCERPT_LINES): Promise<string[]> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return [];
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    // A cut first line is dropped unless it is all there is.
    const whole = size > length ? text.slice(text.indexOf('\n') + 1) : text;
    return lastLines(whole, count);
  } finally {
    await handle.close();
  }
}

/** `<message>: its log is <where>; its last lines:\n  | ...`, or just where the log is when it is empty. */
export function withExcerpt(message: string, excerpt: LogExcerpt): string {
  if (excerpt.lines.length === 0) return `${message}; its log (${excerpt.where}) is empty`;
  return `${message}; its log is ${excerpt.where}, ending:\n${excerpt.lines.map((l) => `  | ${l}`).join('\n')}`;
}
