/**
 * The demo's checks, in the issue's order: plan, apply, traffic, drift, bad change. Each shows its evidence and
 * states what must hold; the traffic and rule expectations are those of the acceptance criteria.
 */
import type { Sandbox } from '../support/sandbox.js';
import type { HostDoc } from '../support/world/host-yaml.js';
import type { Family } from '../support/world/iptables.js';
import type { ProbeResult } from '../support/world/world.js';
import type { Check } from './timeline.js';

/** The stand-in refuses to become ready for this dataplane var: the bad revision of check 5. */
export const BAD_PORT = 9999;

/** The sandbox's example-server, with the stand-in told from the start which revision will be the bad one. */
export function demoHostDoc(sb: Sandbox): HostDoc {
  const doc = sb.hostDoc();
  doc.kumaDp.env.KUMA_STANDIN_NEVER_READY_IF_VAR = `port=${BAD_PORT}`;
  return doc;
}

export async function checkPlan(sb: Sandbox, c: Check): Promise<void> {
  const r = await sb.cli(['plan']);
  c.cli('kuma-gitops plan', r);
  c.expect(r.code === 2, 'plan exits 2 (changes to apply)', `exit ${r.code}`);
  for (const step of ['write-file', 'start-kuma-dp', 'wait-ready', 'apply-rules', 'verify']) {
    c.expect(r.stdout.includes(step), `the plan has a ${step} step`);
  }
}

export async function checkApply(sb: Sandbox, c: Check): Promise<void> {
  const r = await sb.cli(['apply']);
  c.cli('kuma-gitops apply', r);
  c.expect(r.code === 0, 'apply exits 0', `exit ${r.code}`);
  const again = await sb.cli(['plan']);
  c.cli('kuma-gitops plan', again, { timeline: false });
  c.expect(again.code === 0, 'a second plan is empty (exit 0)', `exit ${again.code}`);
}

export async function checkTraffic(sb: Sandbox, c: Check): Promise<void> {
  await sb.listen('peer', 80);
  await sb.listen('host', 22);
  c.say(`listeners: peer:80 and host:22 answer "kgsbx-listener ..." when a connection reaches them`);
  const marker = (prefix: string) => (r: ProbeResult) => typeof r.text === 'string' && r.text.startsWith(prefix);
  const cases: Array<[string, () => Promise<ProbeResult>, (r: ProbeResult) => boolean]> = [
    [
      `peer -> host ${sb.hostAddress}:8080 (inbound, redirected to 15006)`,
      () => sb.probe('peer', ['tcp', sb.hostAddress, '8080']),
      marker('kuma-dp-standin port=15006'),
    ],
    [
      `${sb.serviceUser} -> peer ${sb.peerAddress}:80 (outbound, redirected to 15001)`,
      () => sb.probe('host', ['tcp', sb.peerAddress, '80'], { user: sb.serviceUser }),
      marker('kuma-dp-standin port=15001'),
    ],
    [
      `kuma-dp (uid 5678) -> peer ${sb.peerAddress}:80 (not redirected: reaches the peer)`,
      () => sb.probe('host', ['tcp', sb.peerAddress, '80'], { user: 'kuma-dp' }),
      marker('kgsbx-listener ns=peer port=80'),
    ],
    [
      `peer -> host ${sb.hostAddress}:22 (excluded port: not redirected)`,
      () => sb.probe('peer', ['tcp', sb.hostAddress, '22']),
      marker('kgsbx-listener ns=host port=22'),
    ],
    [
      `${sb.serviceUser} DNS A example.com -> ${sb.peerAddress}:53 (resolv.conf; answered by the stand-in)`,
      () => sb.probe('host', ['dns', sb.peerAddress, '53', 'example.com'], { user: sb.serviceUser }),
      (r) => (r.answers as Array<{ data?: string }> | undefined)?.[0]?.data === '127.0.0.53',
    ],
  ];
  for (const [what, probe, holds] of cases) {
    const r = await probe();
    const seen = r.text?.trim() ?? (r.answers ? `answers ${JSON.stringify(r.answers)}` : JSON.stringify(r));
    if (c.expect(holds(r), what, seen)) c.say(`ok  ${what}\n      ${seen}`);
  }
}

/** The KUMA_* chains of the nat table, per family that has them. */
async function kumaNatChains(sb: Sandbox): Promise<Array<[Family, string[]]>> {
  const out: Array<[Family, string[]]> = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const nat = (await sb.save(family)).split('*nat')[1]?.split('COMMIT')[0] ?? '';
    const chains = [...nat.matchAll(/^:(KUMA_\S+)/gm)].map((m) => m[1]!);
    if (chains.length > 0) out.push([family, chains]);
  }
  return out;
}

export async function checkDrift(sb: Sandbox, c: Check): Promise<void> {
  for (const [family, chains] of await kumaNatChains(sb)) {
    for (const chain of chains) {
      const r = await sb.iptables(family, ['-t', 'nat', '-F', chain]);
      if (!c.expect(r.code === 0, `flush ${family} nat ${chain}`, r.stderr)) return;
    }
    c.say(`drift: flushed ${family} nat ${chains.join(', ')} (${sb.backend})`);
  }
  const leak = await sb.probe('peer', ['http', sb.hostAddress, '8080', '/']);
  c.expect(leak.status === 200, 'with the chains flushed, peer -> host:8080 bypasses kuma-dp', JSON.stringify(leak));
  c.say(
    `peer -> host:8080 now bypasses kuma-dp: ${leak.ok ? `HTTP ${leak.status} from the service itself` : leak.error}`,
  );
  const plan = await sb.cli(['plan']);
  c.cli('kuma-gitops plan', plan);
  c.expect(plan.code === 2, 'plan shows the repair (exit 2)', `exit ${plan.code}`);
  c.expect(plan.stdout.includes('apply-rules'), 'the repair is an apply-rules step');
  c.expect(!plan.stdout.includes('start-kuma-dp'), 'drifted rules alone do not restart kuma-dp');
  const apply = await sb.cli(['apply']);
  c.cli('kuma-gitops apply', apply);
  c.expect(apply.code === 0, 'apply repairs it (exit 0)', `exit ${apply.code}`);
  const after = await sb.cli(['plan']);
  c.cli('kuma-gitops plan', after, { timeline: false });
  c.expect(after.code === 0, 'plan is empty again (exit 0)', `exit ${after.code}`);
  const back = await sb.probe('peer', ['tcp', sb.hostAddress, '8080']);
  c.expect(
    back.text?.startsWith('kuma-dp-standin port=15006') === true,
    'peer -> host:8080 redirected again',
    back.text,
  );
}

export async function checkBadChange(sb: Sandbox, c: Check): Promise<void> {
  const before = { ipv4: await sb.save('ipv4'), ipv6: await sb.save('ipv6') };
  const good = demoHostDoc(sb);
  const bad = demoHostDoc(sb);
  bad.dataplane.vars.port = BAD_PORT;
  sb.writeHostFile(bad);
  c.say(`bad change: dataplane var port 8080 -> ${BAD_PORT} (the stand-in never becomes ready with it)`);
  const apply = await sb.cli(['apply', '--ready-timeout', '5']);
  c.cli('kuma-gitops apply --ready-timeout 5', apply);
  c.expect(apply.code === 3, 'apply exits 3 (rolled back)', `exit ${apply.code}`);
  c.expect(/roll/i.test(apply.stderr), 'the timeline shows the rollback');

  const ready = await sb.probe('host', ['http', '127.0.0.1', '9902', '/ready']);
  c.expect(ready.status === 200, 'the previous kuma-dp answers ready', JSON.stringify(ready));
  c.say(`previous kuma-dp: GET /ready -> ${ready.status} ${String(ready.body ?? '').trim()}`);
  const after = { ipv4: await sb.save('ipv4'), ipv6: await sb.save('ipv6') };
  const same = after.ipv4 === before.ipv4 && after.ipv6 === before.ipv6;
  c.expect(same, 'the rules are unchanged (ipv4 and ipv6 save identical)');
  if (same) c.say('rules: ipv4 and ipv6 save identical to before the change');
  sb.writeHostFile(good);
  const plan = await sb.cli(['plan']);
  c.cli('kuma-gitops plan (previous revision)', plan, { timeline: false });
  c.expect(plan.code === 0, 'the plan of the previous revision is empty (exit 0)', `exit ${plan.code}`);
}
