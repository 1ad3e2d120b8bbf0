import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { KumaGitopsError } from '../errors.js';

/**
 * A file an operator names on the command line (`--live`, `--config`, `--facts`), read with a size limit: a
 * regular file is sized before it is read, a pipe (`--live <(iptables-save)`) is read until the limit, and a
 * device (`/dev/zero`) or a folder is refused. Without this, `--live /dev/zero` ran for a minute into a 16 GB abort.
 */
export const LIVE_MAX_BYTES = 64 * 1024 * 1024;
export const CONFIG_MAX_BYTES = 4 * 1024 * 1024;

export class InputFileError extends KumaGitopsError {
  constructor(file: string, what: string) {
    super('input.unreadable', `cannot read ${file}: ${what}`, { file });
    this.name = 'InputFileError';
  }
}

export function readInputFile(file: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new InputFileError(file, 'it is a folder, not a file');
    if (!info.isFile() && !info.isFIFO()) throw new InputFileError(file, 'it is a device, not a file');
    if (info.isFile() && info.size > maxBytes) throw tooLarge(file, `${info.size}`, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(file, `more than ${maxBytes}`, maxBytes);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (file: string, bytes: string, max: number) =>
  new InputFileError(
    file,
    `${bytes} bytes, over the limit of ${max / 1024 / 1024} MiB for this input: check that it is the file you meant`,
  );
