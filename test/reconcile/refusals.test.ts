/**
 * Acceptance: bad inputs and refusals (issue item 5). Each is a clear error (exit 1, a message naming the problem)
 * before anything changes: no Kuma rules, no kuma-dp, no files written, no journal, and every table as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { COORD, type E2eHost, HOST_NAME } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { holdFlock, type Result } from '../support/world/exec.js';
import { fleetTproxy } from '../support/world/host-yaml.js';
import { rulesView } from '../support/world/iptables.js';
import { removeUser, throwAwayUser } from '../support/world/users.js';

interface Snapshot {
  ipv4: string;
  ipv6: string;
}

async function snapshot(h: E2eHost): Promise<Snapshot> {
  return { ipv4: rulesView(await h.save('ipv4')), ipv6: rulesView(await h.save('ipv6')) };
}

async function expectNothingChanged(h: E2eHost, before: Snapshot): Promise<void> {
  expect(await snapshot(h)).toEqual(before);
  for (const family of ['ipv4', 'ipv6'] as const) expect(await h.save(family)).not.toContain('KUMA_MESH');
  expect(h.kumaDpProcesses()).toEqual([]);
  expect(existsSync(h.files.dataplane)).toBe(false);
  expect(existsSync(h.files.tproxy)).toBe(false);
  expect(existsSync(join(h.stateDir, HOST_NAME, 'journal.json'))).toBe(false);
}

function expectError(r: Result, message: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stderr).toMatch(message);
}

/**
 * A host without iptables, as the product sees it: in a private mount namespace of this one command, the two
 * xtables binaries every iptables-* name links to are covered by /dev/null (exec fails). Nothing outside that
 * command's own mount namespace changes; the CLI's PATH is fixed, so hiding them from PATH is not possible. The
 * script is a constant; the paths and the command line are its arguments.
 */
const WITHOUT_IPTABLES = [
  'unshare',
  '--mount',
  '--propagation',
  'private',
  '--',
  'sh',
  '-c',
  'mount --bind /dev/null "$1" && mount --bind /dev/null "$2" && shift 2 && exec "$@"',
  'sh',
  '/usr/sbin/xtables-nft-multi',
  '/usr/sbin/xtables-legacy-multi',
];

interface Refusal {
  name: string;
  /** Makes the host or repo bad; returns CLI options (and more arguments) for the run. */
  arrange(h: E2eHost): Promise<(Parameters<E2eHost['cli']>[2] & { args?: string[] }) | undefined>;
  message: RegExp;
  /** More that must be unchanged for this refusal. */
  after?(h: E2eHost): void;
}

/** A folder of the world's the kuma-dp user cannot enter, as /root is on Debian. */
const privateFolder = async (h: E2eHost) => {
  const dir = join(h.dir, 'private');
  await mkdir(dir, { mode: 0o700 });
  return dir;
};

const REFUSALS: Refusal[] = [
  {
    name: 'not root',
    arrange: async () => ({ user: 'nobody' }),
    message: /reconciling host example-server needs root .*nothing was changed/,
  },
  {
    name: 'no iptables',
    arrange: async () => ({ wrapper: WITHOUT_IPTABLES }),
    message: /no usable iptables in network namespace kgtest-.*install the iptables package/,
  },
  {
    name: 'an unknown host',
    arrange: async () => ({ host: 'no-such-host' }),
    message: /no-such-host/,
  },
  {
    name: 'an invalid repo (a broken host file)',
    arrange: async (h) => {
      await h.writeRepoFile(`hosts/${HOST_NAME}.yaml`, 'dataplane: [\n  template: x\n');
      return undefined;
    },
    message: /the desired state of host example-server in .* is invalid .*nothing was changed/,
  },
  {
    name: 'a missing token file',
    arrange: async (h) => {
      await rm(h.files.token);
      return undefined;
    },
    message: /dataplane token file .*token does not exist: put the token there/,
  },
  {
    name: 'the kuma-dp binary under a folder kuma-dp cannot enter',
    arrange: async (h) => {
      const binary = join(await privateFolder(h), 'kuma-dp.mjs');
      await copyFile(join(h.dir, 'tools', 'kuma-dp.mjs'), binary);
      await h.setHost({ kumaDp: { binary } });
      return undefined;
    },
    message:
      /kuma-dp binary \S+\/private\/kuma-dp\.mjs cannot be executed by user kuma-dp \(uid 5678\): folder \S+\/private \(mode 0700, owner uid 0, group gid 0\) does not let it in: move the file to a folder kuma-dp can enter, or allow it in \(e\.g\. chmod o\+x \S+\/private\)/,
  },
  {
    name: 'a Dataplane file kuma-dp could not read',
    arrange: async (h) => {
      await h.setHost({ kumaDp: { dataplaneFile: join(await privateFolder(h), 'dp.yaml') } });
      return undefined;
    },
    message:
      /Dataplane file \S+\/private\/dp\.yaml cannot be read by user kuma-dp \(uid 5678\): folder \S+\/private \(mode 0700/,
    after: (h) => expect(existsSync(join(h.dir, 'private', 'dp.yaml'))).toBe(false),
  },
  {
    name: 'a kuma-dp binary its group may write',
    arrange: async (h) => {
      const dir = join(h.dir, 'bin');
      await mkdir(dir, { mode: 0o755 });
      const binary = join(dir, 'kuma-dp.mjs');
      await copyFile(join(h.dir, 'tools', 'kuma-dp.mjs'), binary);
      await chmod(binary, 0o775);
      await h.setHost({ kumaDp: { binary } });
      return undefined;
    },
    message:
      /kuma-dp binary \S+\/bin\/kuma-dp\.mjs could be replaced by a user other than root, .*: the file is mode 0775, owner uid 0: chown root and chmod go-w/,
  },
  {
    name: 'a Dataplane folder every user may write',
    arrange: async (h) => {
      const dir = join(h.dir, 'shared');
      await mkdir(dir);
      await chmod(dir, 0o777);
      await h.setHost({ kumaDp: { dataplaneFile: join(dir, 'dp.yaml') } });
      return undefined;
    },
    message:
      /Dataplane file \S+\/shared\/dp\.yaml would be written by root into folder \S+\/shared \(mode 0777, owner uid 0\), which a user other than root can change/,
    after: (h) => expect(existsSync(join(h.dir, 'shared', 'dp.yaml'))).toBe(false),
  },
  {
    name: 'a Dataplane file that is the token file',
    arrange: async (h) => {
      await h.setHost({ kumaDp: { dataplaneFile: h.files.token } });
      return undefined;
    },
    message: /policy\.write-target-clash|which is also the dataplane token file/,
    after: (h) => expect(readFileSync(h.files.token, 'utf8')).toMatch(/^kgtest-token-[0-9a-f]+\n$/),
  },
  {
    name: 'a uid already taken by another user',
    arrange: async (h) => {
      // kuma-dp would be a new user `kgtdp...` with the uid of an existing throw-away user.
      const owner = await throwAwayUser('kgt');
      h.onCleanup(() => removeUser(owner.name));
      const name = `kgtdp${owner.uid}`;
      await h.setHost({ kumaDp: { user: name, uid: owner.uid } });
      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ kumaDPUser: name }));
      // Allowed by the host, so that the refusal is the uid's.
      return { args: ['--allow-kuma-dp-user', `${name}:${owner.uid}`] };
    },
    message: /uid \d+ is already taken by user kgt[0-9a-f]+, so user kgtdp\d+ cannot be created with it/,
  },
];

await describeE2e(
  'refusals before anything changes',
  (_backend, fresh) => {
    for (const command of ['apply', 'plan'] as const) {
      it.each(REFUSALS)(`${command}: $name`, async ({ arrange, message, after }) => {
        const h = await fresh();
        const before = await snapshot(h);
        const options = await arrange(h);
        const r = await h.cli(command, options?.args ?? [], options ?? {});
        expectError(r, message);
        await expectNothingChanged(h, before);
        after?.(h);
      });
    }
  },
  { concurrent: true },
);

// Alone, after the concurrent refusals: it holds the machine-wide xtables lock for half a minute.
await describeE2e(
  'refusals before anything changes',
  (_backend, fresh) => {
    it('apply: the xtables lock held too long by another program', async () => {
      const h = await fresh();
      const before = await snapshot(h);
      // Exclusive on COORD first: no other test of this suite runs iptables while the machine-wide lock is held.
      const held = await holdFlock(['-x', COORD, 'flock', '-x', '/run/xtables.lock']);
      let r: Result;
      try {
        r = await h.cli('apply', ['--ready-timeout', '5'], { coord: false });
      } finally {
        await held.release();
      }
      // The state first: the exit code alone would hide what a late lock error leaves behind.
      await expectNothingChanged(h, before);
      expectError(r, /xtables lock held too long by another program .*nothing was changed/);
    }, 120_000);
  },
  { backends: ['legacy'] },
);
