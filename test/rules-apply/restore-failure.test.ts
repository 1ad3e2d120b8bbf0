/**
 * iptables-restore's failures read into the message line and the payload line (stderr as iptables 1.8.9 printed
 * it, nft and legacy), the lock message, and the restore command lines per backend. Pure.
 */
import { describe, expect, it } from 'vitest';
import { restoreArgv, rulesBackend } from '../../src/rules-apply/backend.js';
import { describeRestoreFailure, isLockBusy } from '../../src/rules-apply/restore-failure.js';

const PAYLOAD = [
  '*nat',
  ':KUMA_MESH_A - [0:0]',
  '-A KUMA_MESH_A -p tcp -j KUMA_MESH_MISSING',
  'COMMIT',
  '*raw',
  '-D OUTPUT -p udp -j RETURN',
  'COMMIT',
  '',
].join('\n');

describe('reading an iptables-restore failure', () => {
  it.each([
    [
      'nft, jump to a missing chain (named at COMMIT: the jump is found instead)',
      "iptables-nft-restore v1.8.9 (nf_tables): Chain 'KUMA_MESH_MISSING' does not exist\nError occurred at line: 4\nTry `iptables-nft-restore -h' or 'iptables-nft-restore --help' for more information.\n",
      "iptables-nft-restore v1.8.9 (nf_tables): Chain 'KUMA_MESH_MISSING' does not exist",
      3,
    ],
    [
      'legacy, jump to a missing chain',
      "iptables-restore v1.8.9 (legacy): Couldn't load target `KUMA_MESH_MISSING':No such file or directory\n\nError occurred at line: 3\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\n",
      "iptables-restore v1.8.9 (legacy): Couldn't load target `KUMA_MESH_MISSING':No such file or directory",
      3,
    ],
    [
      'nft, delete of a rule that is not there',
      'iptables-nft-restore: line 6 failed: Bad rule (does a matching rule exist in that chain?).\n',
      'iptables-nft-restore: line 6 failed: Bad rule (does a matching rule exist in that chain?).',
      6,
    ],
    ['legacy, the same', 'iptables-restore: line 6 failed\n', 'iptables-restore: line 6 failed', 6],
    [
      'nft, a kernel refusal at commit (bare header line first)',
      'ip6tables-nft-restore v1.8.9 (nf_tables): \nline 2: CHAIN_DEL failed (Device or resource busy): chain KUMA_MESH_A\n',
      'line 2: CHAIN_DEL failed (Device or resource busy): chain KUMA_MESH_A',
      2,
    ],
    ['no line named', 'Killed\n', 'Killed', undefined],
    ['nothing printed', '', 'iptables-restore printed no message', undefined],
  ])('%s', (_, stderr, message, line) => {
    const fault = describeRestoreFailure('ipv4', stderr, PAYLOAD);
    expect(fault).toEqual({
      family: 'ipv4',
      iptablesError: message,
      line,
      payloadLine: line === undefined ? undefined : PAYLOAD.split('\n')[line - 1],
    });
  });

  it('tells the xtables lock apart', () => {
    const stderr = 'Another app is currently holding the xtables lock. Stopped waiting after 5s.\n';
    expect(isLockBusy(stderr)).toBe(true);
    expect(
      isLockBusy('Another app is currently holding the xtables lock. Perhaps you want to use the -w option?'),
    ).toBe(true);
    expect(isLockBusy('iptables-restore: line 6 failed')).toBe(false);
  });
});

describe('restore command lines (REFERENCE §3.4)', () => {
  it.each([
    ['legacy', {}, ['iptables-legacy-restore', '--wait=5', '--noflush']],
    ['legacy', { wait: 0 }, ['iptables-legacy-restore', '--noflush']],
    [
      'legacy',
      { wait: 2, waitIntervalUs: 100_000 },
      ['iptables-legacy-restore', '--wait=2', '--wait-interval=100000', '--noflush'],
    ],
    ['nft', { wait: 2, waitIntervalUs: 100_000 }, ['iptables-nft-restore', '--noflush']],
  ] as const)('%s %j', (mode, options, argv) => {
    expect(restoreArgv(rulesBackend(mode), 'ipv4', options)).toEqual(argv);
  });

  it('takes other binaries per family', () => {
    const backend = rulesBackend('nft', { ipv6: { restore: '/opt/bin/ip6tables-restore' } });
    expect(backend.tools).toEqual({
      ipv4: { save: 'iptables-nft-save', restore: 'iptables-nft-restore' },
      ipv6: { save: 'ip6tables-nft-save', restore: '/opt/bin/ip6tables-restore' },
    });
  });
});
