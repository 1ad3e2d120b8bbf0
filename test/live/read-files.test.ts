/** Host files kuma-gitops writes, read back with content, mode and owner. */
import { chmod, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLiveFiles } from '../../src/live/read-files.js';
import { removeTempDirs, tempDir } from './live-support.js';

afterAll(removeTempDirs);

describe.runIf(process.getuid?.() === 0 || process.env.CI === 'true')(
  'files on this host (needs root to chown)',
  () => {
    it('reads content, mode (permission bits only), owner; missing is undefined', async () => {
      const dir = await tempDir('files');
      const template = join(dir, 'dataplane.yaml');
      await writeFile(template, 'type: Dataplane\n');
      await chmod(template, 0o2640);
      await chown(template, 0, 45000);
      const files = await readLiveFiles([template, join(dir, 'missing.yaml'), join(dir, 'nodir', 'x')]);
      expect(files).toEqual({
        [template]: { content: 'type: Dataplane\n', mode: 0o2640, uid: 0, gid: 45000 },
        [join(dir, 'missing.yaml')]: undefined,
        [join(dir, 'nodir', 'x')]: undefined,
      });
    });

    it('a directory where a file should be is an error naming the path', async () => {
      const dir = await tempDir('files-dir');
      await expect(readLiveFiles([dir])).rejects.toMatchObject({
        code: 'live.read-failed',
        data: { path: dir },
        message: `cannot read ${dir}: EISDIR: it is a folder where a file belongs: remove it or point the setting at a file`,
      });
    });
  },
);
