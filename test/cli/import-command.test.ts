/** `kuma-gitops tproxy import -- <kumactl flags>`: the YAML gives the same rules as the flags it came from. */
import { describe, expect, it } from 'vitest';
import { tempFile } from '../support/golden-inputs.js';
import { KUMA_GOLDEN_CASES } from '../support/kuma-golden.js';
import { runCli } from '../support/sample-repo.js';

/** Every flag combination of Kuma's vectors: the kumactl dry-run cases and the distro flags case. */
const flagCases = Object.entries(KUMA_GOLDEN_CASES).filter(
  ([name]) => name.startsWith('kumactl/') || name === 'distro/with-multiple-flags',
);

describe('tproxy import', () => {
  it('prints only what differs from the defaults, without --dry-run', async () => {
    const r = await runCli([
      'tproxy',
      'import',
      '--',
      '--dry-run',
      '--redirect-inbound-port',
      '3333',
      '--exclude-outbound-ports',
      '22',
    ]);
    expect(r).toEqual({
      code: 0,
      err: '',
      out: 'redirect:\n  inbound:\n    port: 3333\n  outbound:\n    excludePorts: [22]\n',
    });
  });

  it.each(flagCases)('%s: the imported YAML as --config gives the rules of the flags', async (_, c) => {
    const flags = c.extra_flags ?? ['--kuma-dp-user', 'kuma-dp', ...c.flags];
    const imported = await runCli(['tproxy', 'import', '--', ...flags]);
    expect([imported.code, imported.err]).toEqual([0, '']);
    const viaFlags = await runCli(['tproxy', 'rules', '--', ...flags]);
    const viaConfig = await runCli(['tproxy', 'rules', '--config', tempFile(imported.out, '.yaml')]);
    expect(viaFlags.code).toBe(0);
    expect(viaConfig).toEqual(viaFlags);
  });

  it('reads a --config - of the flags from stdin', async () => {
    const r = await runCli(['tproxy', 'import', '--', '--config', '-', '--redirect-dns'], {
      stdin: 'redirect:\n  dns:\n    port: 8888\n',
    });
    expect(r.out).toBe('redirect:\n  dns:\n    enabled: true\n    port: 8888\n');
  });

  it('kumactl errors: exit 1 with its message', async () => {
    const r = await runCli(['tproxy', 'import', '--', '--exclude-outbound-ports-for-uids', '3000-5000:1:*']);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: "Error: parsing excluded outbound ports for uids failed: wildcard '*' is not allowed for UIDs\n",
    });
  });
});
