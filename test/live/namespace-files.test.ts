/** Reading /etc and /proc/sys/net files as the namespace sees them, in one process (`grep -aH ''`). */
import { describe, expect, it } from 'vitest';
import { parseGrepFiles } from '../../src/live/namespace-files.js';

describe('parseGrepFiles', () => {
  const paths = ['/etc/resolv.conf', '/proc/sys/net/ipv6/conf/lo/disable_ipv6'];
  const cases: { name: string; stdout: string; want: (string | undefined)[] }[] = [
    {
      name: 'both files, lines kept in order, colons inside lines kept',
      stdout:
        '/etc/resolv.conf:# a: comment\n/etc/resolv.conf:nameserver fd00::53\n/proc/sys/net/ipv6/conf/lo/disable_ipv6:0\n',
      want: ['# a: comment\nnameserver fd00::53\n', '0\n'],
    },
    {
      name: 'a missing file (grep exit 2) is undefined, the other is read',
      stdout: '/proc/sys/net/ipv6/conf/lo/disable_ipv6:1\n',
      want: [undefined, '1\n'],
    },
    { name: 'nothing printed', stdout: '', want: [undefined, undefined] },
    {
      name: 'blank lines of a file are kept',
      stdout: '/etc/resolv.conf:\n/etc/resolv.conf:nameserver 10.0.0.1\n',
      want: ['\nnameserver 10.0.0.1\n', undefined],
    },
    {
      name: 'lines of unknown files (grep noise) are ignored',
      stdout: 'grep: /etc/other: No such file\n/etc/resolv.conf:nameserver 1.1.1.1\n',
      want: ['nameserver 1.1.1.1\n', undefined],
    },
  ];
  it.each(cases)('$name', ({ stdout, want }) => {
    expect(paths.map((p) => parseGrepFiles(stdout, paths).get(p))).toEqual(want);
  });
});
