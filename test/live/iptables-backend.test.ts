/**
 * Backend choice as kumactl makes it (REFERENCE §3.2): the decision table on its own, then on real nft and legacy
 * tables in throw-away namespaces (tables of both backends are per network namespace).
 */
import { describe, expect, it } from 'vitest';
import { CONFLICTING_MODES_WARNING, chooseBackend, detectIptablesBackend } from '../../src/live/iptables-backend.js';
import {
  type BackendFunctionality,
  type CandidateProbe,
  contentLineCount,
  versionMode,
} from '../../src/live/iptables-executables.js';
import { IptablesNoneError } from '../../src/live/live-errors.js';
import { CommandNotFoundError } from '../../src/system/command-errors.js';
import type { CommandRunner } from '../../src/system/command-runner.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { describeWithNetns } from '../support/netns.js';
import { DOCKER_OUTPUT_RULES, FOREIGN_RULES, KUMA_RULES, restore } from './live-support.js';

const works = (mode: 'nft' | 'legacy', rules: boolean, docker: boolean): CandidateProbe => ({
  ok: true,
  mode,
  commands: { iptables: `iptables-${mode}`, save: `iptables-${mode}-save`, restore: `iptables-${mode}-restore` },
  functionality: {
    modules: { comment: true, conntrack: true, udp: true, owner: true, tcp: true, multiport: true },
    tables: { nat: true, raw: true, mangle: true },
    dockerOutputChain: docker,
    existingRules: rules,
  } satisfies BackendFunctionality,
});
const broken = (mode: 'nft' | 'legacy'): CandidateProbe => ({ ok: false, mode, reason: `no ${mode} iptables found` });
const chosen = (d: ReturnType<typeof chooseBackend>) => (d.ok ? d.chosen.mode : 'none');

describe('kumactl decision table', () => {
  it.each([
    ['both fail', broken('nft'), broken('legacy'), 'none'],
    ['only legacy works', broken('nft'), works('legacy', false, false), 'legacy'],
    ['only nft works', works('nft', false, false), broken('legacy'), 'nft'],
    ['neither has rules', works('nft', false, false), works('legacy', false, false), 'nft'],
    ['only nft has rules', works('nft', true, false), works('legacy', false, false), 'nft'],
    ['only legacy has rules', works('nft', false, false), works('legacy', true, false), 'legacy'],
    [
      'both have rules, only legacy has DOCKER_OUTPUT',
      works('nft', true, false),
      works('legacy', true, true),
      'legacy',
    ],
    ['both have rules, only nft has DOCKER_OUTPUT', works('nft', true, true), works('legacy', true, false), 'nft'],
    ['both have rules and DOCKER_OUTPUT', works('nft', true, true), works('legacy', true, true), 'nft'],
    [
      'legacy has DOCKER_OUTPUT but nft has no rules',
      works('nft', false, false),
      works('legacy', true, true),
      'legacy',
    ],
  ])('%s', (_, nft, legacy, expected) => {
    expect(chosen(chooseBackend(nft, legacy))).toBe(expected);
  });

  it('warns only on a tie of two backends with rules', () => {
    const tie = chooseBackend(works('nft', true, false), works('legacy', true, false));
    expect(tie.ok && tie.warnings).toEqual([CONFLICTING_MODES_WARNING]);
    const plain = chooseBackend(works('nft', false, false), works('legacy', false, false));
    expect(plain.ok && plain.warnings).toEqual([]);
  });

  it('reads the mode from --version as kumactl does', () => {
    expect(versionMode('iptables v1.8.9 (nf_tables)\n')).toBe('nft');
    expect(versionMode('iptables-save v1.8.9 (legacy)\n')).toBe('legacy');
    expect(versionMode('ip6tables-legacy-restore v1.8.4\n')).toBe('legacy');
    expect(versionMode("iptables: unrecognized option '--version'")).toBe('legacy');
    expect(versionMode('nft v1.0.6 (Lester Gooch #5)')).toBeUndefined();
  });

  it('counts declarations and rules, not comments, table headers or COMMIT', () => {
    const empty =
      '# Generated\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n# Completed\n';
    expect(contentLineCount(empty)).toBe(4);
    expect(contentLineCount(empty.replace('COMMIT', ':X - [0:0]\nCOMMIT'))).toBe(5);
  });

  it('is iptables.none when no iptables binary exists', async () => {
    const runner: CommandRunner = {
      netns: 'kgtest-fake',
      run: async (argv) => {
        throw new CommandNotFoundError(argv, 'kgtest-fake');
      },
    };
    const error = await detectIptablesBackend(runner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IptablesNoneError);
    expect((error as IptablesNoneError).code).toBe('iptables.none');
    expect((error as IptablesNoneError).message).toBe(
      'no usable iptables in network namespace kgtest-fake: install the iptables package (nft: no nft iptables found; legacy: no legacy iptables found)',
    );
  });

  it('asks --version of iptables-nft* / iptables-legacy* once per runner, and never inside the namespace', async () => {
    const versions: string[] = [];
    const runner: CommandRunner = {
      netns: 'kgtest-fake',
      run: async (argv, options) => {
        if (argv.includes('--version')) {
          expect(options?.inNetns).toBe(false);
          versions.push(argv[0]!);
          const mode = argv[0]!.includes('legacy') ? 'legacy' : 'nf_tables';
          return { stdout: `${argv[0]} v1.8.9 (${mode})\n`, stderr: '', exitCode: 0 };
        }
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    const first = await detectIptablesBackend(runner);
    const asked = versions.length;
    expect(asked).toBe(9); // 3 nft + 3 legacy for IPv4, 3 ip6tables-nft
    expect(await detectIptablesBackend(runner)).toEqual(first);
    expect(versions).toHaveLength(asked);
  });

  it('rejects a set whose minimal checks fail, naming what is missing', async () => {
    const runner: CommandRunner = {
      netns: undefined,
      run: async (argv) => {
        if (argv.includes('--version')) {
          const mode = argv[0]!.includes('legacy') ? 'legacy' : 'nf_tables';
          return { stdout: `${argv[0]} v1.8.9 (${mode})\n`, stderr: '', exitCode: 0 };
        }
        const missingOwner = argv.includes('owner') && argv[0]!.includes('legacy');
        const missingNat = argv.includes('nat') && argv[0]!.includes('nft');
        return { stdout: '', stderr: '', exitCode: missingOwner || missingNat ? 2 : 0 };
      },
    };
    const error = (await detectIptablesBackend(runner).catch((e: unknown) => e)) as IptablesNoneError;
    expect(error.data).toMatchObject({
      nft: 'unmet minimal requirements: missing table "nat"',
      legacy: 'unmet minimal requirements: missing module "owner"',
    });
  });
});

const TOOLS = ['iptables-nft', 'iptables-legacy', 'ip6tables-nft', 'ip6tables-legacy'];

await describeWithNetns('backend choice in real namespaces', TOOLS, (fresh) => {
  it('a fresh namespace gets nft, with IPv6 and every module and table', async () => {
    const ns = await fresh();
    const backend = await detectIptablesBackend(createCommandRunner({ netns: ns.name }));
    expect(backend.backend).toBe('nft');
    expect(backend.commands).toEqual({
      ipv4: { iptables: 'iptables-nft', save: 'iptables-nft-save', restore: 'iptables-nft-restore' },
      ipv6: { iptables: 'ip6tables-nft', save: 'ip6tables-nft-save', restore: 'ip6tables-nft-restore' },
    });
    expect(backend.functionality).toEqual({
      modules: { comment: true, conntrack: true, udp: true, owner: true, tcp: true, multiport: true },
      tables: { nat: true, raw: true, mangle: true },
      dockerOutputChain: false,
      existingRules: false,
    });
    expect(backend.warnings).toEqual([]);
  });

  it('legacy rules already there make it legacy (Kuma rules or foreign ones)', async () => {
    const foreign = await fresh();
    await restore(foreign, 'iptables-legacy-restore', FOREIGN_RULES);
    const a = await detectIptablesBackend(createCommandRunner({ netns: foreign.name }));
    expect(a.backend).toBe('legacy');
    expect(a.commands.ipv4.save).toBe('iptables-legacy-save');
    expect(a.commands.ipv6?.save).toBe('ip6tables-legacy-save');

    const kuma = await fresh();
    await restore(kuma, 'iptables-legacy-restore', KUMA_RULES);
    expect((await detectIptablesBackend(createCommandRunner({ netns: kuma.name }))).backend).toBe('legacy');
  });

  it('a custom chain in legacy raw or mangle counts as existing rules too', async () => {
    const ns = await fresh();
    await ns.exec('iptables-legacy', ['-t', 'mangle', '-N', 'SOMEONE_ELSE']);
    expect((await detectIptablesBackend(createCommandRunner({ netns: ns.name }))).backend).toBe('legacy');
  });

  it('rules in both backends: nft with a warning, unless only one has DOCKER_OUTPUT', async () => {
    const tie = await fresh();
    await restore(tie, 'iptables-nft-restore', FOREIGN_RULES);
    await restore(tie, 'iptables-legacy-restore', FOREIGN_RULES);
    const t = await detectIptablesBackend(createCommandRunner({ netns: tie.name }));
    expect([t.backend, t.warnings]).toEqual(['nft', [CONFLICTING_MODES_WARNING]]);

    const dockerLegacy = await fresh();
    await restore(dockerLegacy, 'iptables-nft-restore', FOREIGN_RULES);
    await restore(dockerLegacy, 'iptables-legacy-restore', DOCKER_OUTPUT_RULES);
    const d = await detectIptablesBackend(createCommandRunner({ netns: dockerLegacy.name }));
    expect([d.backend, d.functionality.dockerOutputChain, d.warnings]).toEqual(['legacy', true, []]);

    const dockerNft = await fresh();
    await restore(dockerNft, 'iptables-nft-restore', DOCKER_OUTPUT_RULES);
    await restore(dockerNft, 'iptables-legacy-restore', FOREIGN_RULES);
    const n = await detectIptablesBackend(createCommandRunner({ netns: dockerNft.name }));
    expect([n.backend, n.functionality.dockerOutputChain]).toEqual(['nft', true]);
  });

  it('nft rules alone keep nft; legacy is probed without any rule being added there', async () => {
    const ns = await fresh();
    await restore(ns, 'iptables-nft-restore', FOREIGN_RULES);
    expect((await detectIptablesBackend(createCommandRunner({ netns: ns.name }))).backend).toBe('nft');
    // The probe leaves empty legacy tables behind (as kumactl's does): built-in chains only, no user chain or rule.
    const legacy = (await ns.exec('iptables-legacy-save', [])).stdout;
    expect(legacy).toMatch(/^\*nat$/m);
    expect(legacy).not.toMatch(/^(-A |:(?!(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ))/m);
  });
});
