import { describe, expect, it } from 'vitest';
import { KumaGitopsError } from '../../src/errors.js';
import { importKumactlInvocation } from '../../src/tproxy/import-config.js';
import { loadKumactlConfig } from '../../src/tproxy/kumactl-config.js';
import { loadTproxyConfigSources } from '../../src/tproxy/load-config.js';
import { KUMA_GOLDEN_CASES } from '../support/kuma-golden.js';

describe('importKumactlInvocation', () => {
  it('writes only the keys that differ from the defaults', () => {
    expect(
      importKumactlInvocation([
        'kumactl',
        'install',
        'transparent-proxy',
        '--kuma-dp-user',
        'kuma-dp',
        '--redirect-all-dns-traffic',
        '--exclude-outbound-ports-for-uids',
        '53,3000-5000:106-108',
        '--vnet',
        'iface:::1/64',
        '--dry-run',
      ]),
    ).toBe(`kumaDPUser: kuma-dp
redirect:
  outbound:
    excludePortsForUIDs:
      - "53,3000-5000:106-108"
  dns:
    enabled: true
    captureAll: true
  vnet:
    networks:
      - "iface:::1/64"
`);
  });

  it('gives {} for a plain invocation', () => {
    expect(importKumactlInvocation(['--dry-run'])).toBe('{}\n');
  });

  it('reads --config sources when given their contents', () => {
    const yaml = importKumactlInvocation(['--config', 'a.yaml', '--wait', '9'], {
      readSource: () => 'ipFamilyMode: ipv4',
    });
    expect(yaml).toBe('ipFamilyMode: ipv4\nwait: 9\n');
  });

  it('throws with kumactl errors', () => {
    expect(() => importKumactlInvocation(['--redirect-dns', '--redirect-all-dns-traffic'])).toThrow(KumaGitopsError);
    expect(() => importKumactlInvocation(['--config', 'a.yaml'])).toThrow(/cannot read a.yaml here/);
  });

  it.each(
    Object.entries(KUMA_GOLDEN_CASES).filter(([n, c]) => /^(kumactl|distro)\//.test(n) && c.command && !c.expect_error),
  )('%s: the imported file gives the same config as the invocation', (_name, c) => {
    const options = { readSource: (p: string) => c.files[p] ?? '', stdin: `${c.stdin}\n` };
    const yaml = importKumactlInvocation(c.command!, options);
    const expected = loadKumactlConfig({ argv: c.command!, ...options }).config;
    const { config, issues } = loadTproxyConfigSources([{ file: 'imported.yaml', text: yaml }]);
    expect(issues).toEqual([]);
    expect(config).toEqual({ ...expected, dryRun: false });
  });
});
