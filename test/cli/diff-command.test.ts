/** `kuma-gitops tproxy diff`: the report, its exit codes, and live input it cannot read. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DISTRO_FACTS, tempFile } from '../support/golden-inputs.js';
import { KUMA_GOLDEN_DIR } from '../support/kuma-golden.js';
import { runCli } from '../support/sample-repo.js';

const GOLDEN = `${KUMA_GOLDEN_DIR}/v2.14/distro/debian-12-default.iptables.golden`;
const golden = readFileSync(GOLDEN, 'utf8');
const diff = (live: string, ...argv: string[]) =>
  runCli(['tproxy', 'diff', '--live', live, '--facts', DISTRO_FACTS, ...argv, '--', '--kuma-dp-user', 'kuma-dp']);
const drifted = golden.replace('--to-ports 15001', '--to-ports 15002');

describe('tproxy diff', () => {
  it('in sync: exit 0 and says so', async () => {
    const r = await diff(GOLDEN);
    expect(r).toEqual({
      code: 0,
      err: '',
      out: `in sync: ${GOLDEN} (ipv4) holds the 11 Kuma-owned rules kumactl 2.14.3 would install\n`,
    });
  });

  it('drift: exit 2 with kind, table, chain, family and both rule texts', async () => {
    const file = tempFile(drifted, '.save');
    const r = await diff(file);
    expect(r.code).toBe(2);
    const want = golden.split('\n').find((l) => l.startsWith('-A KUMA_MESH_OUTBOUND_REDIRECT'))!;
    expect(r.out).toBe(
      [
        `drift: ${file} (ipv4) differs from the 11 rules kumactl 2.14.3 would install in 1 place`,
        '',
        'changed-rule: table nat, chain KUMA_MESH_OUTBOUND_REDIRECT, ipv4',
        `  expected: ${want}`,
        `  actual:   ${want.replace('--to-ports 15001', '--to-ports 15002')}`,
        '',
      ].join('\n'),
    );
  });

  it('--output json: the same report as data, read from stdin with --live -', async () => {
    const r = await runCli(
      ['tproxy', 'diff', '--live', '-', '--output', 'json', '--facts', DISTRO_FACTS, '--', '--kuma-dp-user', 'kuma-dp'],
      { stdin: drifted },
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({
      inSync: false,
      live: 'stdin',
      family: 'ipv4',
      kumaVersion: '2.14.3',
      expectedRules: 11,
      differences: [
        expect.objectContaining({
          kind: 'changed-rule',
          table: 'nat',
          chain: 'KUMA_MESH_OUTBOUND_REDIRECT',
          family: 'ipv4',
        }),
      ],
    });
  });

  it('a missing rule has no actual text; an unexpected chain has no expected one', async () => {
    const live = golden
      .replace(/^-A KUMA_MESH_OUTBOUND -d 127.*\n/m, '')
      .replace(':KUMA_MESH_OUTBOUND -', ':KUMA_MESH_OUTBOUND -\n:KUMA_MESH_OLD -');
    const r = await diff(tempFile(live, '.save'), '--output', 'json');
    const kinds = (
      JSON.parse(r.out) as { differences: { kind: string; expected: string | null; actual: string | null }[] }
    ).differences;
    expect(kinds.map((d) => [d.kind, d.expected === null, d.actual === null])).toEqual([
      ['missing-rule', false, true],
      ['unexpected-chain', true, false],
    ]);
  });

  it('a family kumactl would not build expects no Kuma rules there', async () => {
    const v6 = `${KUMA_GOLDEN_DIR}/v2.14/distro/debian-12-default.ip6tables.golden`;
    const noV6 = tempFile({ loopbackInterface: 'ifPlaceholder', users: { 'kuma-dp': 5678 }, ipv6: false });
    const empty = tempFile(
      '*nat\n:PREROUTING ACCEPT\n:INPUT ACCEPT\n:OUTPUT ACCEPT\n:POSTROUTING ACCEPT\nCOMMIT\n',
      '.save',
    );
    const base = ['tproxy', 'diff', '--family', 'ipv6', '--facts', noV6, '--output', 'json', '--live'];
    expect((await runCli([...base, empty])).code).toBe(0);
    const leftover = await runCli([...base, v6]);
    expect(leftover.code).toBe(2);
    expect(JSON.parse(leftover.out).differences).toContainEqual(expect.objectContaining({ kind: 'unexpected-chain' }));
  });

  it.each([
    ['*nat\n:OUTPUT ACCEPT\n-A OUTPUT -m comment --comment "open quote -j RETURN\nCOMMIT\n', 'line 3: '],
    ['*nat\n:OUTPUT ACCEPT\nCOMMIT\n*nat\nCOMMIT\n', 'line 4: table *nat appears twice'],
    ['*nat\n:OUTPUT ACCEPT\n', 'line 1: table has no COMMIT'],
  ])('unparsable live file %j: exit 1 with its line', async (text, message) => {
    const file = tempFile(text, '.save');
    const r = await diff(file);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toContain(`live ruleset ${file}, ${message}`);
  });

  it('bad command lines: exit 1', async () => {
    expect((await runCli(['tproxy', 'diff'])).err).toContain('--live is required');
    expect((await diff('/nonexistent.save')).err).toContain('cannot read /nonexistent.save');
    expect((await diff(GOLDEN, '--family', 'all')).err).toContain('--family must be one of ipv4, ipv6');
    const kumactl = await diff(GOLDEN, '--', '--redirect-dns', '--redirect-all-dns-traffic');
    expect([kumactl.code, kumactl.err]).toEqual([
      1,
      "Error: only one of '--redirect-dns' or '--redirect-all-dns-traffic' should be specified\n",
    ]);
  });
});
