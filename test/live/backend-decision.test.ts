/**
 * Backend choice as kumactl makes it (REFERENCE §3.2) without a kernel: the decision table, --version parsing,
 * the existing-rules count, and probes against fake runners (no iptables, failed minimal checks, version cache).
 */
import { describe, expect, it } from 'vitest';
import { CONFLICTING_MODES_WARNING, chooseBackend, detectIptablesBackend } from '../../src/live/iptables-backend.js';
import {
  type CandidateFacts,
  type CandidateProbe,
  contentLineCount,
  versionMode,
} from '../../src/live/iptables-executables.js';
import { IptablesNoneError } from '../../src/live/live-errors.js';
import { CommandNotFoundError } from '../../src/system/command-errors.js';
import type { CommandRunner } from '../../src/system/command-runner.js';

const works = (mode: 'nft' | 'legacy', rules: boolean, docker: boolean): CandidateProbe => ({
  ok: true,
  mode,
  commands: { iptables: `iptables-${mode}`, save: `iptables-${mode}-save`, restore: `iptables-${mode}-restore` },
  facts: {
    tables: { nat: true, raw: true, mangle: true },
    dockerOutputChain: docker,
    existingRules: rules,
  } satisfies CandidateFacts,
});
/** What `--version` of an iptables binary prints, going by its name. */
const versionOf = (program: string) => ({
  stdout: `${program} v1.8.9 (${program.includes('legacy') ? 'legacy' : 'nf_tables'})\n`,
  stderr: '',
  exitCode: 0,
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
          return versionOf(argv[0]!);
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

  it('asks --version once per file when the runner can resolve names to files (multi-call binaries)', async () => {
    const versions: string[] = [];
    const fileOf = (program: string) =>
      program.includes('legacy') ? '/usr/sbin/xtables-legacy-multi' : '/usr/sbin/xtables-nft-multi';
    const runner: CommandRunner = {
      netns: undefined,
      executableFile: async (program) => fileOf(program),
      run: async (argv) => {
        if (argv.includes('--version')) {
          versions.push(argv[0]!);
          return versionOf(argv[0]!);
        }
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    const backend = await detectIptablesBackend(runner);
    expect(backend.commands.ipv6?.save).toBe('ip6tables-nft-save');
    expect(versions.map(fileOf).sort()).toEqual(['/usr/sbin/xtables-legacy-multi', '/usr/sbin/xtables-nft-multi']);
  });

  it('does not remember a --version it could not read: the next detection asks again', async () => {
    let broken = true;
    const asked: string[] = [];
    const runner: CommandRunner = {
      netns: undefined,
      executableFile: async (program) => `/usr/sbin/${program}`,
      run: async (argv) => {
        if (argv.includes('--version')) {
          asked.push(argv[0]!);
          return broken ? { ...versionOf(argv[0]!), stdout: 'garbage\n' } : versionOf(argv[0]!);
        }
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    await expect(detectIptablesBackend(runner)).rejects.toBeInstanceOf(IptablesNoneError);
    const first = asked.length;
    broken = false;
    expect((await detectIptablesBackend(runner)).backend).toBe('nft');
    expect(asked.length).toBeGreaterThan(first);
  });

  it('asks the optional modules of the chosen set only, and records what it lacks', async () => {
    const asked: string[] = [];
    const runner: CommandRunner = {
      netns: undefined,
      run: async (argv) => {
        if (argv.includes('--version')) {
          return versionOf(argv[0]!);
        }
        if (argv.includes('-m')) asked.push(`${argv[0]} ${argv[2]}`);
        return { stdout: '', stderr: '', exitCode: argv.includes('conntrack') ? 2 : 0 };
      },
    };
    const backend = await detectIptablesBackend(runner);
    expect(backend.functionality.modules).toEqual({
      tcp: true,
      owner: true,
      udp: true,
      comment: true,
      conntrack: false,
      multiport: true,
    });
    expect(asked.sort()).toEqual(
      [
        ...['tcp', 'owner'].flatMap((m) => [`iptables-nft ${m}`, `iptables-legacy ${m}`, `ip6tables-nft ${m}`]),
        ...['udp', 'comment', 'conntrack', 'multiport'].map((m) => `iptables-nft ${m}`),
      ].sort(),
    );
  });

  it('rejects a set whose minimal checks fail, naming what is missing', async () => {
    const runner: CommandRunner = {
      netns: undefined,
      run: async (argv) => {
        if (argv.includes('--version')) {
          return versionOf(argv[0]!);
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
