/**
 * Random kumactl transparent-proxy configs within the option families `tproxy infer` reads back (ports, IPs,
 * directions, insert or append, DNS, drop-invalid, logs, comments, IP family mode, the kuma-dp user), for round-trip property tests.
 */
import fc from 'fast-check';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';

const port = fc.integer({ min: 1, max: 65535 });
const ports = fc.uniqueArray(port, { maxLength: 3 });
const ips = fc.uniqueArray(
  fc.oneof(
    fc.ipV4(),
    fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 })).map(([a, n]) => `${a}/${n}`),
    fc.ipV6(),
  ),
  { maxLength: 2 },
);

export function tproxyConfigArbitrary(users: readonly string[] = ['kuma-dp', 'app']): fc.Arbitrary<TproxyConfig> {
  return fc
    .record({
      inbound: fc.record({
        enabled: fc.boolean(),
        port,
        includePorts: ports,
        excludePorts: ports,
        excludePortsForIPs: ips,
        insertRedirectInsteadOfAppend: fc.boolean(),
      }),
      outbound: fc.record({
        enabled: fc.boolean(),
        port,
        includePorts: ports,
        excludePortsForIPs: ips,
        excludePorts: ports,
        insertRedirectInsteadOfAppend: fc.boolean(),
      }),
      dns: fc.record({ enabled: fc.boolean(), captureAll: fc.boolean(), port, skipConntrackZoneSplit: fc.boolean() }),
      dropInvalidPackets: fc.boolean(),
      log: fc.boolean(),
      commentsDisabled: fc.boolean(),
      ipv4Only: fc.boolean(),
      user: fc.constantFrom(...users),
    })
    .map((r) => {
      const c = defaultTproxyConfig();
      c.kumaDPUser = r.user;
      c.ipFamilyMode = r.ipv4Only ? 'ipv4' : 'dualstack';
      Object.assign(c.redirect.inbound, r.inbound);
      Object.assign(c.redirect.outbound, r.outbound);
      Object.assign(c.redirect.dns, r.dns);
      c.dropInvalidPackets = r.dropInvalidPackets;
      c.log.enabled = r.log;
      c.comments.disabled = r.commentsDisabled;
      return c;
    });
}
