/**
 * Host facts read from a live namespace (REFERENCE §1.5-§1.7, §2.11): loopback name, the namespace's own
 * resolv.conf, IPv6 (a non-loopback address, `lo` able to take `::6`, ip6tables), modules, tables, DOCKER_OUTPUT.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { detectIptablesBackend, type IptablesBackend } from '../../src/live/iptables-backend.js';
import {
  composeHostFacts,
  hasNonLoopbackIpv6,
  loopbackName,
  parseLinks,
  parseNameservers,
  readNetworkFacts,
} from '../../src/live/read-facts.js';
import { createUserDb, readUserDb, type UserDb } from '../../src/live/users.js';
import type { CommandRunner } from '../../src/system/command-runner.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { describeWithNetns, type Netns } from '../support/netns.js';
import { DOCKER_OUTPUT_RULES, restore, writeNetnsResolvConf } from './live-support.js';

describe('parsing what ip and resolv.conf print', () => {
  it('lists links in index order with their flags; the peer suffix is not part of the name', () => {
    const text = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT\\    link/loopback 00:00',
      '5: veth-h@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\\    link/ether 12:34',
    ].join('\n');
    expect(parseLinks(text)).toEqual([
      { index: 1, name: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'] },
      { index: 5, name: 'veth-h', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] },
    ]);
  });

  it('takes the first interface with the LOOPBACK flag, whatever its name', () => {
    const links = parseLinks(
      '2: eth0: <BROADCAST,UP> mtu 1500\n3: lo0: <LOOPBACK> mtu 65536\n4: lo: <LOOPBACK> mtu 1\n',
    );
    expect(loopbackName(links)).toBe('lo0');
    expect(loopbackName([])).toBe('lo');
  });

  it('reads links and IPv6 addresses from one multi-line `ip addr show`', () => {
    const text = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '    inet 127.0.0.1/8 scope host lo',
      '    inet6 ::1/128 scope host ',
      '2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000',
      '    link/ether 96:6a:1d:30:11:f0 brd ff:ff:ff:ff:ff:ff link-netns peer',
      '    inet 10.77.29.1/24 scope global eth0',
    ].join('\n');
    expect(parseLinks(text).map((l) => [l.index, l.name])).toEqual([
      [1, 'lo'],
      [2, 'eth0'],
    ]);
    expect(hasNonLoopbackIpv6(text)).toBe(false);
    expect(hasNonLoopbackIpv6(`${text}\n    inet6 fe80::946a:1dff:fe30:11f0/64 scope link `)).toBe(true);
  });

  it('keeps nameserver values in file order with duplicates, skipping comments and other keys', () => {
    const conf =
      '# generated\nsearch example.com\nnameserver 10.0.0.53\n;nameserver 9.9.9.9\n  nameserver   fd00::53  \nnameserver 10.0.0.53\nnameserver\noptions ndots:5\n';
    expect(parseNameservers(conf)).toEqual(['10.0.0.53', 'fd00::53', '10.0.0.53']);
  });

  it('counts any IPv6 address but ::1, link-local and the ::6 kumactl leaves on lo included', () => {
    const lo = '1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever';
    expect(hasNonLoopbackIpv6(lo)).toBe(false);
    expect(hasNonLoopbackIpv6(`${lo}\n2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever`)).toBe(true);
    expect(hasNonLoopbackIpv6(`${lo}\n1: lo    inet6 ::6/128 scope global \\       valid_lft forever`)).toBe(true);
    expect(hasNonLoopbackIpv6('')).toBe(false);
  });
});

const TOOLS = ['iptables-nft', 'iptables-legacy', 'ip6tables-nft'];

const readHostFacts = async (runner: CommandRunner, backend: IptablesBackend | undefined, users: UserDb) =>
  composeHostFacts(await readNetworkFacts(runner), backend, users);

await describeWithNetns('read-facts in real namespaces', TOOLS, (fresh) => {
  const factsOf = async (ns: Netns) => {
    const runner = createCommandRunner({ netns: ns.name });
    return readHostFacts(runner, await detectIptablesBackend(runner), await readUserDb());
  };

  it('a fresh namespace: lo, no IPv6, every module and table, no DOCKER_OUTPUT, /etc/passwd users', async () => {
    const ns = await fresh();
    const facts = await factsOf(ns);
    expect(facts).toMatchObject({
      loopbackInterface: 'lo',
      ipv6: false,
      executables: true,
      modules: { comment: true, conntrack: true, udp: true, owner: true, tcp: true, multiport: true },
      tables: { nat: true, raw: true, mangle: true },
      dockerOutputChain: false,
    });
    expect(facts.users).toMatchObject({ root: 0, nobody: 65534 });
  });

  it('reads the namespace view of resolv.conf (/etc/netns/NS/resolv.conf), and the host file once it is gone', async () => {
    const ns = await fresh();
    const remove = await writeNetnsResolvConf(ns, 'nameserver 10.1.2.3\nnameserver fd00::53\nnameserver 10.1.2.3\n');
    try {
      expect((await factsOf(ns)).dnsServers).toEqual(['10.1.2.3', 'fd00::53', '10.1.2.3']);
    } finally {
      await remove();
    }
    const host = parseNameservers(await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
    expect((await factsOf(ns)).dnsServers).toEqual(host);
  });

  it('IPv6: only lo (even up, with ::1) is false; a veth with an IPv6 address is true; lo without IPv6 is false', async () => {
    const ns = await fresh();
    await ns.exec('ip', ['link', 'set', 'lo', 'up']);
    expect((await factsOf(ns)).ipv6).toBe(false);
    await ns.exec('ip', ['link', 'add', 'kg-a', 'type', 'veth', 'peer', 'name', 'kg-b']);
    await ns.exec('ip', ['-6', 'addr', 'add', 'fd00:6::1/64', 'dev', 'kg-a', 'nodad']);
    expect((await factsOf(ns)).ipv6).toBe(true);
    // kumactl could not add ::6 to lo here, so it would build IPv4 only.
    await ns.exec('sysctl', ['-qw', 'net.ipv6.conf.lo.disable_ipv6=1']);
    expect((await factsOf(ns)).ipv6).toBe(false);
  });

  it('IPv6 needs ip6tables too', async () => {
    const ns = await fresh();
    await ns.exec('ip', ['link', 'add', 'kg-a', 'type', 'veth', 'peer', 'name', 'kg-b']);
    await ns.exec('ip', ['-6', 'addr', 'add', 'fd00:6::1/64', 'dev', 'kg-a', 'nodad']);
    const runner = createCommandRunner({ netns: ns.name });
    const backend = await detectIptablesBackend(runner);
    const { ipv6: _, ...v4Only } = backend.commands;
    const facts = await readHostFacts(runner, { ...backend, commands: v4Only }, await readUserDb());
    expect(facts.ipv6).toBe(false);
  });

  it('sees DOCKER_OUTPUT in the nat table of the chosen backend', async () => {
    const ns = await fresh();
    await restore(ns, 'iptables-nft-restore', DOCKER_OUTPUT_RULES);
    expect((await factsOf(ns)).dockerOutputChain).toBe(true);
  });

  it('with no usable iptables every capability is missing, as in kumactl', async () => {
    const ns = await fresh();
    const users = createUserDb([{ name: 'kuma-dp', uid: 5678, gid: 5678, home: '/', shell: '/bin/false' }], []);
    const facts = await readHostFacts(createCommandRunner({ netns: ns.name }), undefined, users);
    expect(facts).toEqual({
      loopbackInterface: 'lo',
      users: { 'kuma-dp': 5678 },
      dnsServers: facts.dnsServers,
      ipv6: false,
      executables: false,
      modules: { comment: false, conntrack: false, udp: false, owner: false, tcp: false, multiport: false },
      tables: { nat: false, raw: false, mangle: false },
      dockerOutputChain: false,
    });
  });
});
