/**
 * Acceptance, crash safety of a first install: the apply is SIGKILLed right after each mutating step
 * (KUMA_GITOPS_FAILPOINT=after:<kind>[:n]); the host is then in between (checked: what the steps so far did), and
 * the next apply puts it back, then applies, and ends consistent with plan empty and a single kuma-dp.
 */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { expectRecoveredAndConsistent, killedApply } from '../support/e2e/crash-support.js';
import { type E2eHost, KUMA_DP_UID } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { exec } from '../support/world/exec.js';
import { fleetTproxy } from '../support/world/host-yaml.js';
import { removeUser, throwAwayUser } from '../support/world/users.js';

interface Case {
  failpoint: string;
  journaled: string[];
  /** What the killed run left: checked before the next apply. */
  between: (h: E2eHost) => Promise<void>;
}

const noRules = async (h: E2eHost) => {
  for (const family of ['ipv4', 'ipv6'] as const) expect(await h.save(family)).not.toContain('KUMA_MESH');
};

const CASES: Case[] = [
  {
    failpoint: 'after:write-file',
    journaled: ['write-file'],
    between: async (h) => {
      expect(existsSync(h.files.dataplane)).toBe(true);
      expect(existsSync(h.files.tproxy)).toBe(false);
      expect(h.kumaDpProcesses()).toEqual([]);
      await noRules(h);
    },
  },
  {
    failpoint: 'after:write-file:2',
    journaled: ['write-file', 'write-file'],
    between: async (h) => {
      expect(existsSync(h.files.tproxy)).toBe(true);
      expect(h.kumaDpProcesses()).toEqual([]);
      await noRules(h);
    },
  },
  {
    failpoint: 'after:start-kuma-dp',
    journaled: ['write-file', 'write-file', 'start-kuma-dp'],
    between: async (h) => {
      // kuma-dp was started (detached: it outlives the killed apply; start returns once runuser has forked it), no
      // redirect yet.
      expect(h.kumaDpProcesses()).toHaveLength(1);
      await noRules(h);
    },
  },
  {
    failpoint: 'after:apply-rules',
    journaled: ['write-file', 'write-file', 'start-kuma-dp', 'apply-rules'],
    between: async (h) => {
      // Everything is in place but unverified; the journal makes the next run undo and redo it.
      expect(h.kumaDpProcesses()).toHaveLength(1);
      expect(await h.save('ipv4')).toContain('KUMA_MESH_INBOUND');
    },
  },
];

await describeE2e(
  'a first apply killed after a step',
  (_backend, fresh) => {
    it.each(CASES)('$failpoint: the next apply ends consistent', async ({ failpoint, journaled, between }) => {
      const h = await fresh();
      expect(await killedApply(h, failpoint)).toEqual(journaled);
      await between(h);
      await expectRecoveredAndConsistent(h, { 'kuma-dp': KUMA_DP_UID });
    });

    it('after:create-user: the user stays, the next apply ends consistent', async () => {
      // A throw-away kuma-dp user name, so the suite's shared kuma-dp user is never deleted.
      const h = await fresh();
      const user = await throwAwayUser('kgdp');
      h.onCleanup(() => removeUser(user.name));
      await removeUser(user.name);
      await h.setHost({ kumaDp: { user: user.name, uid: user.uid } });
      h.allowKumaDpUser(user.name, user.uid);
      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ kumaDPUser: user.name }));

      expect(await killedApply(h, 'after:create-user')).toEqual(['create-user']);
      expect((await exec(['getent', 'passwd', user.name])).stdout.split(':')[2]).toBe(String(user.uid));
      expect(existsSync(h.files.dataplane)).toBe(false);
      expect(h.kumaDpProcesses()).toEqual([]);
      await noRules(h);
      // A created user is not removed by the recovery (another process may use it already): the new state needs it.
      await expectRecoveredAndConsistent(h, { [user.name]: user.uid });
    });
  },
  { concurrent: true },
);
