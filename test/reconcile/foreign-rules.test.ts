/**
 * Acceptance: other tools' rules are never touched. Docker-like chains and rules in nat and filter (both families)
 * are loaded before the install, more are added after it (also into the built-in chains that hold our rules), and
 * the foreign part of every table (chain declarations with policies, rules in order; counters stripped) stays
 * identical across an install, an update, a no-op, a rollback of a never-ready change, and an apply killed after its
 * rules step together with the recovery that puts the old rules back.
 */
import { expect, it } from 'vitest';
import { killedApply } from '../support/e2e/crash-support.js';
import type { E2eHost } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { fleetTproxy } from '../support/world/host-yaml.js';
import { type Family, foreignView, ownedLines } from '../support/world/iptables.js';

const net = (family: Family, v4: string, v6: string) => (family === 'ipv4' ? v4 : v6);

/** What Docker sets up before anything else runs. */
const foreignBefore = (f: Family) => `*nat
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d ${net(f, '127.0.0.0/8', '::1/128')} -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s ${net(f, '172.17.0.0/16', 'fd00:17::/64')} ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:FORWARD DROP [0:0]
:DOCKER - [0:0]
:DOCKER-USER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-USER -j RETURN
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
COMMIT
`;

/**
 * A container started later: new chains, rules appended to PREROUTING/OUTPUT, where our jumps sit too, and a tool
 * that sends its own chain's traffic through ours (a jump into KUMA_MESH_OUTBOUND: its rule, not ours).
 */
const foreignAfter = (f: Family) => `*nat
:DOCKER-INGRESS - [0:0]
:MESH-USER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
-A DOCKER-INGRESS -j RETURN
-A MESH-USER -p tcp -m tcp --dport 15999 -j KUMA_MESH_OUTBOUND
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 18080 -j DNAT --to-destination ${net(f, '172.17.0.2:80', '[fd00:17::2]:80')}
COMMIT
*filter
:DOCKER-ISOLATION-STAGE-2 - [0:0]
-A DOCKER -d ${net(f, '172.17.0.2/32', 'fd00:17::2/128')} ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
COMMIT
`;

const FAMILIES = ['ipv4', 'ipv6'] as const;

async function foreign(h: E2eHost) {
  return { ipv4: foreignView(await h.save('ipv4')), ipv6: foreignView(await h.save('ipv6')) };
}

await describeE2e(
  'foreign rules',
  (_backend, fresh) => {
    it('stay identical across install, update, no-op, rollback, crash and recovery', async () => {
      const h = await fresh({ env: { KUMA_STANDIN_NEVER_READY_IF_VAR: 'name=never-ready' } });
      for (const family of FAMILIES) await h.restore(family, foreignBefore(family));
      const before = await foreign(h);
      expect(before.ipv4.nat).toContain('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
      expect(before.ipv6.filter).toContain(':FORWARD DROP');

      const step = async (label: string, args: string[], code: number, expected: typeof before) => {
        const r = await h.apply(args);
        expect(r.code, `${label}: ${r.stdout}${r.stderr}`).toBe(code);
        expect(await foreign(h), label).toEqual(expected);
      };

      await step('install', [], 0, before);
      expect(ownedLines(await h.save('ipv4'))).not.toEqual([]);

      for (const family of FAMILIES) await h.restore(family, foreignAfter(family));
      const after = await foreign(h);
      expect(after.ipv4.nat).toContain('-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS');
      expect(after.ipv6.nat).toContain('-A MESH-USER -p tcp -m tcp --dport 15999 -j KUMA_MESH_OUTBOUND');

      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ outboundExcludePorts: [5432] }));
      await step('update', [], 0, after);
      expect(await h.save('ipv4')).toContain('--dport 5432');
      await step('no-op', [], 0, after);

      await h.setHost({ vars: { name: 'never-ready' } });
      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ outboundExcludePorts: [5433] }));
      const owned = ownedLines(await h.save('ipv4'));
      await step('rollback of a never-ready change', ['--ready-timeout', '4'], 3, after);
      expect(ownedLines(await h.save('ipv4'))).toEqual(owned);

      // A change that reaches the rules, killed right after them: the recovery restores our old rules.
      await h.setHost({ vars: { name: 'example-server-dataplane' } });
      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ outboundExcludePorts: [6543] }));
      expect(await killedApply(h, 'after:apply-rules')).toContain('apply-rules');
      expect(await h.save('ipv4')).toContain('--dport 6543');
      expect(await foreign(h), 'killed after apply-rules').toEqual(after);
      await step('recovery and apply', [], 0, after);
      expect(await h.save('ipv4')).toContain('--dport 6543');
      expect((await h.plan()).code).toBe(0);
    });
  },
  { concurrent: true },
);
