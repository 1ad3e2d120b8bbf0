/**
 * Acceptance: apply does only what the change needs. An exclusion alone updates the rules and leaves kuma-dp running
 * (same pid); a dataplane variable alone restarts kuma-dp and leaves every table byte-identical (counters aside);
 * nothing changed runs no step at all. Each from a host that was applied and is in sync.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { factsFile, type Outcome, stepKinds, tproxyDiff } from '../support/e2e/e2e-cli.js';
import { type E2eHost, KUMA_DP_UID } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { fleetTproxy } from '../support/world/host-yaml.js';
import { normalized } from '../support/world/iptables.js';

await describeE2e(
  'apply runs only the steps a change needs',
  (_backend, fresh) => {
    const bothSaves = async (h: E2eHost) => ({
      ipv4: normalized(await h.save('ipv4')),
      ipv6: normalized(await h.save('ipv6')),
    });
    /** Each test starts from its own host, applied and in sync. */
    const applied = async () => {
      const h = await fresh();
      const first = await h.apply();
      expect(first.code, first.stderr).toBe(0);
      return h;
    };

    it('nothing changed: no step runs, the output says in sync, kuma-dp and rules stay as they are', async () => {
      const h = await applied();
      const pid = h.pidFile();
      const rules = await bothSaves(h);
      const text = await h.apply();
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toBe(
        `example-server: in sync with revision ${/revision (\w+)/.exec(text.stdout)?.[1]}; nothing to do\n`,
      );
      expect(text.stderr).not.toContain('step done');
      const json = await h.apply(['--output', 'json']);
      expect(json.code).toBe(0);
      const outcome = JSON.parse(json.stdout) as Outcome;
      expect(outcome.status).toBe('unchanged');
      expect(outcome.plan.steps).toEqual([]);
      expect(h.pidFile()).toBe(pid);
      expect(await bothSaves(h)).toEqual(rules);
    });

    it('an exclusion only: the rules are updated, kuma-dp keeps running with the same pid', async () => {
      const h = await applied();
      const pid = h.pidFile();
      const procs = h.kumaDpProcesses();
      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ outboundExcludePorts: [5432] }));
      const r = await h.apply(['--output', 'json']);
      expect(r.code, r.stderr).toBe(0);
      // The effective tproxy config file changes with it, but kuma-dp is not given that file (passTproxyConfig is
      // off), so nothing kuma-dp reads changed: no restart. The wait-ready is the guide's check before redirecting.
      expect(stepKinds(r)).toEqual(['write-file', 'wait-ready', 'apply-rules', 'verify']);
      expect(h.pidFile()).toBe(pid);
      expect(h.kumaDpProcesses()).toEqual(procs);
      expect(await readFile(h.files.tproxy, 'utf8')).toContain('excludePorts: [5432]');
      for (const family of ['ipv4', 'ipv6'] as const) {
        expect(await h.save(family)).toMatch(/--dport 5432 .*-j RETURN/);
        const diff = await tproxyDiff(h, family, await factsFile(h, { 'kuma-dp': KUMA_DP_UID }));
        expect(diff.code, diff.stdout + diff.stderr).toBe(0);
      }
      expect((await h.plan()).code).toBe(0);
    });

    it('a dataplane variable only: kuma-dp restarts, the rules are not touched', async () => {
      const h = await applied();
      const pid = h.pidFile();
      const rules = await bothSaves(h);
      await h.setHost({ vars: { name: 'example-server-dataplane-2' } });
      const r = await h.apply(['--output', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect(stepKinds(r)).toEqual(['start-kuma-dp', 'wait-ready', 'verify']);
      expect(h.pidFile()).not.toBe(pid);
      const procs = h.kumaDpProcesses();
      expect(procs).toHaveLength(1);
      expect(procs[0]!.argv).toContain('--dataplane-var=name=example-server-dataplane-2');
      expect(await h.ready()).toMatchObject({ status: 200 });
      // Every table of both families, byte for byte apart from counters.
      expect(await bothSaves(h)).toEqual(rules);
      expect((await h.plan()).code).toBe(0);
    });
  },
  { concurrent: true },
);
