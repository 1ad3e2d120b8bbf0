/**
 * Files an operator names on the command line are read with a limit: `tproxy diff --live` of a 200 MB file or of
 * /dev/zero is refused with a size or device error (not a minute of reading into an abort); a pipe works.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputFile } from '../../src/io/input-file.js';
import { runCli } from '../support/sample-repo.js';

const dir = mkdtempSync(join(tmpdir(), 'kgtest-input-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tproxy diff --live', () => {
  it('refuses a 200 MB file by its size, before reading it', async () => {
    const big = join(dir, 'big.save');
    writeFileSync(big, '');
    truncateSync(big, 200 * 1024 * 1024); // sparse: no disk used, no read needed to know its size
    const r = await runCli(['tproxy', 'diff', '--live', big]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot read ${big}: 209715200 bytes, over the limit of 64 MiB for this input`);
  });

  it('refuses /dev/zero and a folder, naming what they are', async () => {
    expect((await runCli(['tproxy', 'diff', '--live', '/dev/zero'])).err).toContain(
      'cannot read /dev/zero: it is a device, not a file',
    );
    expect((await runCli(['tproxy', 'diff', '--live', dir])).err).toContain(`cannot read ${dir}: it is a folder`);
  });
});

describe('readInputFile', () => {
  it('reads a pipe up to the limit, and refuses more', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // A writer process fills the FIFO with more than a small limit (spawn starts it before the blocking open).
    const writer = spawn('sh', ['-c', 'head -c 300000 /dev/zero > "$1"', 'sh', fifo], { stdio: 'ignore' });
    expect(() => readInputFile(fifo, 100_000)).toThrow(/more than 100000 bytes, over the limit/);
    writer.kill();
    // Under the limit, a pipe is read whole (as `--live <(iptables-save)` gives one).
    const small = spawn('sh', ['-c', 'printf "*nat\\nCOMMIT\\n" > "$1"', 'sh', fifo], { stdio: 'ignore' });
    expect(readInputFile(fifo, 100_000)).toBe('*nat\nCOMMIT\n');
    small.kill();
  });
});
