import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Files the host's operator owns (the agent config, credentials, trust anchors), read so that nobody but root can
 * have put or changed what they say: opened without following a final symbolic link, then checked on the open file
 * (owner root, a regular file, the mode) so a swap between check and read is impossible.
 * - `secret`: no access at all for group and others (the config and credential files: `chmod 600`);
 * - `trusted`: nobody but root may write (a CA or the allowed signers: they decide what is believed).
 */
export type HostFileKind = 'secret' | 'trusted';

export interface HostFileProblem {
  code: 'host-file.missing' | 'host-file.unsafe' | 'host-file.unreadable';
  message: string;
  hint: string;
}

const MAX_BYTES = 1024 * 1024;

export function readHostOwnedFile(
  path: string,
  kind: HostFileKind,
  owner = 0,
): { text: string } | { problem: HostFileProblem } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('host-file.missing', `${path} does not exist`, 'create it, or fix the path');
    if (code === 'ELOOP')
      return fail('host-file.unsafe', `${path} is a symbolic link`, 'name the file itself, not a link to it');
    return fail('host-file.unreadable', `cannot open ${path}: ${(e as Error).message}`, 'check the path');
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return fail('host-file.unsafe', `${path} is not a regular file`, 'name a regular file');
    if (info.uid !== owner)
      return fail('host-file.unsafe', `${path} is owned by uid ${info.uid}, not root`, `chown root:root ${path}`);
    const mode = info.mode & 0o777;
    if (kind === 'secret' && (mode & 0o077) !== 0)
      return fail(
        'host-file.unsafe',
        `${path} has mode ${mode.toString(8).padStart(4, '0')}: group or others may access it`,
        `chmod 600 ${path}`,
      );
    if (kind === 'trusted' && (mode & 0o022) !== 0)
      return fail(
        'host-file.unsafe',
        `${path} has mode ${mode.toString(8).padStart(4, '0')}: group or others may change it`,
        `chmod 644 ${path}`,
      );
    if (info.size > MAX_BYTES)
      return fail(
        'host-file.unreadable',
        `${path} has ${info.size} bytes, over 1 MiB`,
        'check that it is the right file',
      );
    const buffer = Buffer.alloc(info.size);
    let read = 0;
    while (read < info.size) {
      const n = readSync(fd, buffer, read, info.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { text: buffer.subarray(0, read).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

const fail = (code: HostFileProblem['code'], message: string, hint: string) => ({ problem: { code, message, hint } });
