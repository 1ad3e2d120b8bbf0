/** The log lines quoted when kuma-dp stops before it is ready: bounded, escaped, never a token. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastLines, readLogTail, sanitizeLogLine, withExcerpt } from '../../src/supervisor/log-excerpt.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJOYW1lIjoiZXhhbXBsZSJ9.c2lnbmF0dXJlLXBhcnQ';

describe('sanitizeLogLine', () => {
  it.each([
    ['plain text stays', 'Error: could not connect', 'Error: could not connect'],
    ['a terminal escape is shown, not sent', 'red \u001b[31mtext\u001b[0m', 'red \\x1b[31mtext\\x1b[0m'],
    ['a carriage return cannot overwrite the line', 'shown\rhidden', 'shown\\x0dhidden'],
    ['C1 controls too', 'a\u009bb', 'a\\x9bb'],
    ['tabs become spaces', 'a\tb', 'a b'],
    ['a JWT (a dataplane token) is redacted', `token: ${JWT} end`, 'token: [token redacted] end'],
    ['a bearer credential is redacted', 'Authorization: Bearer abc.def', 'Authorization: Bearer [redacted]'],
  ])('%s', (_name, line, shown) => expect(sanitizeLogLine(line)).toBe(shown));

  it('cuts a long line at 200 characters and says how much is left out', () => {
    const shown = sanitizeLogLine('x'.repeat(20_000));
    expect(shown).toBe(`${'x'.repeat(200)}... (19800 more characters)`);
  });
});

describe('lastLines and withExcerpt', () => {
  it('keeps the last 10 non-empty lines', () => {
    const text = `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}\n\n`;
    expect(lastLines(text)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 20}`));
  });

  it('names the log and quotes its lines, or says it is empty', () => {
    expect(withExcerpt('kuma-dp exited', { where: '/var/lib/x/kuma-dp.log', lines: ['Error: boom'] })).toBe(
      'kuma-dp exited; its log is /var/lib/x/kuma-dp.log, ending:\n  | Error: boom',
    );
    expect(withExcerpt('kuma-dp exited', { where: 'journalctl -u kuma-dp-h.service', lines: [] })).toBe(
      'kuma-dp exited; its log (journalctl -u kuma-dp-h.service) is empty',
    );
  });
});

describe('readLogTail', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('reads only the end of a big log, drops the cut first line, and is empty for a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kgtest-log-'));
    dirs.push(dir);
    const log = join(dir, 'kuma-dp.log');
    // 8 MB of noise, then the lines that matter.
    await writeFile(log, `${'noise '.repeat(1_400_000)}\nstarting\nError: bad token ${JWT}\n`);
    expect(await readLogTail(log, 3)).toEqual(['starting', 'Error: bad token [token redacted]']);
    expect(await readLogTail(join(dir, 'missing.log'))).toEqual([]);
  });
});
