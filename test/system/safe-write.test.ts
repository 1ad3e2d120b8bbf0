/**
 * The one writer root uses: a random temp name opened O_EXCL|O_NOFOLLOW, rename over the target. A folder others
 * can write or that is reached through a link is refused with nothing written; a link at the target is replaced,
 * never written through; no temp file is left behind.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSafely } from '../../src/system/safe-write.js';

const top = mkdtempSync(join(tmpdir(), 'kgtest-safe-write-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));
let n = 0;
const folder = (mode = 0o755) => {
  const dir = join(top, `d${n++}`);
  mkdirSync(dir);
  chmodSync(dir, mode);
  return dir;
};

describe('writeFileSafely', () => {
  it('writes content and mode, creates missing folders 0755, and leaves no temp file', () => {
    const dir = folder();
    const path = join(dir, 'kuma', 'dp.yaml');
    writeFileSafely(path, 'type: Dataplane\n', { mode: 0o640 });
    expect(readFileSync(path, 'utf8')).toBe('type: Dataplane\n');
    expect(lstatSync(path).mode & 0o7777).toBe(0o640);
    expect(lstatSync(join(dir, 'kuma')).mode & 0o777).toBe(0o755);
    expect(readdirSync(join(dir, 'kuma'))).toEqual(['dp.yaml']);
  });

  it.each([
    ['every user', 0o777, /is writable by other users \(mode 0777\)/],
    ['everyone, sticky like /tmp', 0o1777, /is shared with other users \(sticky, like \/tmp\) \(mode 1777\)/],
    ['its group', 0o775, /is writable by other users \(mode 0775\)/],
  ])('refuses a folder writable by %s, writing nothing', (_name, mode, message) => {
    const dir = folder(mode);
    const path = join(dir, 'dp.yaml');
    expect(() => writeFileSafely(path, 'x')).toThrow(message);
    expect(() => writeFileSafely(path, 'x')).toThrow(expect.objectContaining({ code: 'write.unsafe-folder' }));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a folder reached through a symbolic link', () => {
    const real = folder();
    const link = join(top, `link${n++}`);
    symlinkSync(real, link);
    expect(() => writeFileSafely(join(link, 'dp.yaml'), 'x')).toThrow(/leads through a symbolic link to/);
    expect(readdirSync(real)).toEqual([]);
  });

  it('replaces a link at the target instead of writing through it', () => {
    const dir = folder();
    const victim = join(top, `victim${n++}`);
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'dp.yaml'));
    writeFileSafely(join(dir, 'dp.yaml'), 'new\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir, 'dp.yaml')).isFile()).toBe(true);
  });
});
