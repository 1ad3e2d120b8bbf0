/**
 * Acceptance, crash safety of an update: from an applied host, a change that needs every mutating step (an
 * exclusion: the tproxy config file and the rules; a dataplane variable: a kuma-dp restart) is SIGKILLed right after
 * each of them. The killed run leaves the host in between (checked); the next apply puts the old state back from the
 * journal, applies the new one, and ends consistent with a single kuma-dp running the new command line.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { expectRecoveredAndConsistent, killedApply } from '../support/e2e/crash-support.js';
import { type E2eHost, KUMA_DP_UID } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { fleetTproxy } from '../support/world/host-yaml.js';

const NEW_VAR = '--dataplane-var=name=example-server-dataplane-2';
const newRules = async (h: E2eHost) => (await h.save('ipv4')).includes('--dport 5432');
const argvOf = (h: E2eHost) => h.kumaDpProcesses().map((p) => p.argv.includes(NEW_VAR));

const CASES = [
  {
    failpoint: 'after:write-file',
    journaled: ['write-file'],
    between: async (h: E2eHost) => {
      expect(readFileSync(h.files.tproxy, 'utf8')).toContain('5432');
      expect(argvOf(h)).toEqual([false]);
      expect(await newRules(h)).toBe(false);
    },
  },
  {
    failpoint: 'after:start-kuma-dp',
    journaled: ['write-file', 'start-kuma-dp'],
    between: async (h: E2eHost) => {
      expect(argvOf(h)).toEqual([true]);
      expect(await newRules(h)).toBe(false);
    },
  },
  {
    failpoint: 'after:apply-rules',
    journaled: ['write-file', 'start-kuma-dp', 'apply-rules'],
    between: async (h: E2eHost) => {
      expect(argvOf(h)).toEqual([true]);
      expect(await newRules(h)).toBe(true);
    },
  },
];

await describeE2e(
  'an update killed after a step',
  (_backend, fresh) => {
    it.each(CASES)('$failpoint: the next apply ends consistent in the new state', async (c) => {
      const h = await fresh();
      const first = await h.apply();
      expect(first.code, first.stderr).toBe(0);
      const oldPid = h.pidFile();
      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ outboundExcludePorts: [5432] }));
      await h.setHost({ vars: { name: 'example-server-dataplane-2' } });

      expect(await killedApply(h, c.failpoint)).toEqual(c.journaled);
      await c.between(h);
      await expectRecoveredAndConsistent(h, { 'kuma-dp': KUMA_DP_UID });
      expect(argvOf(h)).toEqual([true]);
      expect(await newRules(h)).toBe(true);
      expect(h.pidFile()).not.toBe(oldPid);
    });
  },
  { concurrent: true },
);
