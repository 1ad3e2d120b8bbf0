/**
 * kuma-gitops as it runs on a real host: the process sits in the host's network namespace and gets no `--netns`,
 * so it runs iptables directly, reads resolv.conf and /proc/sys/net in-process and asks `/ready` in-process (the
 * other tests drive it from outside with `--netns`). The namespace stands in for the host so that this machine's
 * own network is never touched. The same host must look the same from both sides.
 */
import { expect, it } from 'vitest';
import { FRESH_INSTALL_STEPS, type Outcome } from '../support/e2e/e2e-cli.js';
import { HOST_ADDRESS } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { rulesView } from '../support/world/iptables.js';

await describeE2e(
  'as on a host (no --netns, the CLI inside the namespace)',
  (backend, fresh) => {
    it('applies a fresh host, then both views plan nothing, and inbound traffic is redirected', async () => {
      const h = await fresh();
      const applied = await h.cli('apply', ['--ready-timeout', '30', '--output', 'json'], { asOnHost: true });
      expect(applied.code, applied.stderr).toBe(0);
      expect((JSON.parse(applied.stdout) as Outcome).plan.steps.map((s) => s.kind)).toEqual(FRESH_INSTALL_STEPS);
      const onHost = await h.cli('plan', [], { asOnHost: true });
      expect(onHost.code, onHost.stderr + onHost.stdout).toBe(0);
      const viaFlag = await h.plan();
      expect(viaFlag.code, viaFlag.stderr + viaFlag.stdout).toBe(0);
      const inbound = await h.probe('peer', ['tcp', HOST_ADDRESS, '8080']);
      expect(inbound.ok, inbound.error).toBe(true);
      expect(inbound.text).toMatch(/^kuma-dp-standin port=15006 /);
    });

    it('sees drift (Kuma chains flushed) and repairs it without restarting kuma-dp', async () => {
      const h = await fresh();
      expect((await h.cli('apply', ['--ready-timeout', '30'], { asOnHost: true })).code).toBe(0);
      const rules = rulesView(await h.save('ipv4'));
      const pid = h.pidFile();
      const flushed = await h.inHost([`iptables-${backend}`, '-t', 'nat', '-F', 'KUMA_MESH_INBOUND']);
      expect(flushed.code, flushed.stderr).toBe(0);
      const plan = await h.cli('plan', ['--output', 'json'], { asOnHost: true });
      expect(plan.code, plan.stderr).toBe(2);
      const kinds = (JSON.parse(plan.stdout) as Outcome['plan']).steps.map((s) => s.kind);
      // The readiness gate comes before any redirect, even when kuma-dp itself is unchanged.
      expect(kinds).toEqual(['wait-ready', 'apply-rules', 'verify']);
      const repaired = await h.cli('apply', ['--ready-timeout', '30'], { asOnHost: true });
      expect(repaired.code, repaired.stderr).toBe(0);
      expect(rulesView(await h.save('ipv4'))).toEqual(rules);
      expect(h.pidFile()).toBe(pid);
    });

    it('rolls back a change whose kuma-dp never becomes ready (exit 3), the previous kuma-dp ready again', async () => {
      const h = await fresh({ env: { KUMA_STANDIN_NEVER_READY_IF_VAR: 'port=9999' } });
      expect((await h.cli('apply', ['--ready-timeout', '30'], { asOnHost: true })).code).toBe(0);
      const rules = rulesView(await h.save('ipv4'));
      await h.setHost({ vars: { port: 9999 } });
      const r = await h.cli('apply', ['--ready-timeout', '4', '--output', 'json'], { asOnHost: true });
      expect(r.code, r.stderr).toBe(3);
      expect((JSON.parse(r.stdout) as Outcome).status).toBe('rolled-back');
      expect(rulesView(await h.save('ipv4'))).toEqual(rules);
      expect(await h.ready()).toMatchObject({ ok: true, status: 200 });
    });
  },
  { concurrent: true },
);
