/**
 * systemd itself as the judge of the generated units, without a running systemd: `systemd-analyze verify` for
 * syntax, misplaced keys and paths, and `systemd --test --user` (run as a throw-away user) for how systemd parses
 * ExecStart= and Environment=: it dumps the loaded unit, argv re-quoted, which the tests parse back.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../support/netns.js';

export const SYSTEMD_BINARY = '/lib/systemd/systemd';

/** Why `systemd-analyze` cannot be used here, or undefined when it can. */
export async function analyzeUnavailableReason(): Promise<string | undefined> {
  const found = await run('which', ['systemd-analyze']).catch(() => undefined);
  return found === undefined ? 'systemd-analyze is not installed (apt-get install systemd)' : undefined;
}

export async function withUnitDir<T>(files: Record<string, string>, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kgtest-systemd-'));
  try {
    await chmod(dir, 0o755); // the throw-away user must read it
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o644 });
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `systemd-analyze verify` output lines that are about this unit file (it also reports on system units). */
export async function verifyUnit(path: string): Promise<string[]> {
  const result = await new Promise<string>((resolve) => {
    run('systemd-analyze', ['verify', '--man=no', path]).then(
      ({ stdout, stderr }) => resolve(`${stdout}${stderr}`),
      (error: Error) => resolve(error.message),
    );
  });
  const name = path.split('/').pop()!;
  return result.split('\n').filter((line) => line.includes(name));
}

export interface ParsedUnit {
  commandLine: string[];
  environment: string[];
}

/** How systemd parsed the unit's ExecStart= and Environment=; undefined when `systemd --test` gives no dump. */
export async function parseWithSystemd(dir: string, unit: string, user: string): Promise<ParsedUnit | undefined> {
  if (!existsSync(SYSTEMD_BINARY)) return undefined;
  const runtime = await mkdtemp(join(tmpdir(), 'kgtest-systemd-runtime-'));
  try {
    await chmod(runtime, 0o777);
    const env = ['PATH=/usr/bin:/bin', `SYSTEMD_UNIT_PATH=${dir}:`, `XDG_RUNTIME_DIR=${runtime}`];
    const args = ['--test', '--user', `--unit=${unit}`, '--log-target=console', '--no-pager'];
    const { stdout, stderr } = await run('runuser', ['-u', user, '--', 'env', '-i', ...env, SYSTEMD_BINARY, ...args]);
    const section = `${stdout}\n${stderr}`.split(/^\s*-> Unit /m).find((part) => part.startsWith(`${unit}:`));
    if (section === undefined) return undefined;
    const lines = section.split('\n').map((line) => line.trim());
    const commandLine = lines.find((line) => line.startsWith('Command Line: '));
    return {
      commandLine: commandLine === undefined ? [] : splitDumpedCommand(commandLine.slice('Command Line: '.length)),
      environment: lines.filter((line) => line.startsWith('Environment: ')).map((l) => l.slice(13)),
    };
  } finally {
    await rm(runtime, { recursive: true, force: true });
  }
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** systemd's quote_command_line() read back: words, "..." with \\ \" \$ \` \t... \NNN (octal) \xNN escapes. */
export function splitDumpedCommand(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    const bytes: number[] = [];
    if (text[i] === '"') {
      i++;
      while (text[i] !== '"') {
        if (text[i] !== '\\') {
          i = pushChar(text, i, bytes);
          continue;
        }
        const c = text[i + 1]!;
        if (/[0-7]/.test(c)) {
          bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
          i += 4;
        } else if (c === 'x') {
          bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          bytes.push(SIMPLE_ESCAPES[c] ?? c.charCodeAt(0));
          i += 2;
        }
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ' ') i = pushChar(text, i, bytes);
    }
    words.push(Buffer.from(bytes).toString('utf8'));
    i++; // the space
  }
  return words;
}

/** The UTF-8 bytes of the character at `i` (a whole code point); returns the next index. */
function pushChar(text: string, i: number, bytes: number[]): number {
  const char = String.fromCodePoint(text.codePointAt(i)!);
  bytes.push(...Buffer.from(char));
  return i + char.length;
}
