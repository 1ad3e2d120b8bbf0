/**
 * applyRules and removeOwned on real iptables 1.8.9, nft and legacy, IPv4 and IPv6, among foreign rules loaded
 * before our install and added after it: what we own ends up exactly as expected, foreign rules keep their text,
 * their order and their counters.
 */
import { expect, it } from 'vitest';
import { parseSave } from '../../src/iptables/parse-save.js';
import { applyRules, removeOwned } from '../../src/rules-apply/apply-rules.js';
import { rulesBackend } from '../../src/rules-apply/backend.js';
import { extractOwned } from '../../src/rules-apply/owned-state.js';
import { describeWithNetns } from '../support/netns.js';
import { everyTable, everyTableMoreExclusions, expectedRules, FOREIGN_AFTER, foreignBefore } from './fixtures.js';
import { netnsRunner } from './netns-runner.js';
import { byTable, CASES, expectInSync, foreignView, restore, save, TOOLS } from './save-view.js';

await describeWithNetns('applying Kuma rules among foreign rules (real iptables)', TOOLS, (fresh) => {
  it.each(CASES)('%s %s: install, foreign rules added, update, no-op, removal', async (backend, family) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const rb = rulesBackend(backend);
    await restore(ns, backend, family, foreignBefore(family));
    const beforeInstall = await save(ns, backend, family);

    const base = expectedRules(family, everyTable);
    const installed = await applyRules(runner, rb, { [family]: { to: base } });
    expect(installed.applied).toEqual([family]);
    expect(installed.snapshot[family]?.owned.tables).toEqual([]);
    expect(byTable(installed.snapshot[family]!.save)).toEqual(byTable(beforeInstall));
    await expectInSync(ns, backend, family, base);
    const afterInstall = await save(ns, backend, family);
    expect(foreignView(afterInstall)).toEqual(foreignView(beforeInstall));

    await restore(ns, backend, family, FOREIGN_AFTER);
    const withLater = await save(ns, backend, family);
    const more = expectedRules(family, everyTableMoreExclusions);
    const from = extractOwned(parseSave(afterInstall));
    const updated = await applyRules(runner, rb, { [family]: { from, to: more } });
    const payload = updated.payloads[family]!;
    // Only nat changes: the two mesh chains, and OUTPUT because a foreign rule now sits above our -I rules.
    expect(payload.match(/^\*\w+$/gm)).toEqual(['*nat']);
    expect(payload).toMatch(/^:KUMA_MESH_INBOUND - \[0:0\]$/m);
    expect(payload).toMatch(/^:KUMA_MESH_OUTBOUND - \[0:0\]$/m);
    expect(payload).not.toMatch(/REDIRECT - \[0:0\]|PREROUTING/);
    await expectInSync(ns, backend, family, more);
    const afterUpdate = await save(ns, backend, family);
    expect(foreignView(afterUpdate)).toEqual(foreignView(withLater));

    const settled = await save(ns, backend, family, true);
    const again = await applyRules(runner, rb, { [family]: { to: more } });
    expect(again).toMatchObject({ applied: [], payloads: { [family]: '' } });
    expect(byTable(await save(ns, backend, family, true), true)).toEqual(byTable(settled, true));

    const removed = await removeOwned(runner, rb, { families: [family] });
    expect(removed.removed).toEqual([family]);
    expect(byTable(await save(ns, backend, family))).toEqual(foreignView(withLater));
  });

  it.each(CASES)('%s %s: removal leaves the host byte-identical to before the install', async (backend, family) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const rb = rulesBackend(backend);
    await restore(ns, backend, family, foreignBefore(family));
    const before = await save(ns, backend, family);
    await applyRules(runner, rb, { [family]: { to: expectedRules(family, everyTable) } });
    expect(byTable(await save(ns, backend, family))).not.toEqual(byTable(before));
    await removeOwned(runner, rb, { families: [family] });
    expect(byTable(await save(ns, backend, family))).toEqual(byTable(before));
  });

  /**
   * Rule counters survive on both backends. Built-in chain policy counters survive on nft; legacy zeroes them in
   * every table it commits (any iptables-legacy change does, `--counters` or not), so there only the untouched
   * filter table keeps them.
   */
  it.each(CASES)('%s %s: foreign counters survive install, update and removal', async (backend, family) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const rb = rulesBackend(backend);
    const loopback = family === 'ipv4' ? '127.0.0.1' : '::1';
    await restore(ns, backend, family, foreignBefore(family));
    await restore(ns, backend, family, '*filter\n-A OUTPUT -o lo -p udp -m udp --dport 9 -j ACCEPT\nCOMMIT\n');
    await ns.exec('ip', ['link', 'set', 'lo', 'up']);
    await ns.exec('bash', ['-c', `for i in 1 2 3; do echo x > /dev/udp/${loopback}/9; done`]);
    const counted = foreignView(await save(ns, backend, family, true), true);
    expect(counted.filter?.some((line) => /^\[3:\d+\] -A OUTPUT -o lo/.test(line))).toBe(true);

    const expectCountersKept = async () => {
      const now = foreignView(await save(ns, backend, family, true), true);
      expect(mapLines(now, (l) => !l.startsWith(':'))).toEqual(mapLines(counted, (l) => !l.startsWith(':')));
      expect(now.filter).toEqual(counted.filter);
      if (backend === 'nft') expect(now).toEqual(counted);
      else expect(foreignView(await save(ns, backend, family))).toEqual(mapLines(counted, () => true, true));
    };
    await applyRules(runner, rb, { [family]: { to: expectedRules(family, everyTable) } });
    await expectCountersKept();
    await applyRules(runner, rb, { [family]: { to: expectedRules(family, everyTableMoreExclusions) } });
    await expectCountersKept();
    await removeOwned(runner, rb, { families: [family] });
    await expectCountersKept();
  });

  it.each(['nft', 'legacy'] as const)('%s: both families in one call, then both removed', async (backend) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const rb = rulesBackend(backend);
    const result = await applyRules(runner, rb, {
      ipv4: { to: expectedRules('ipv4', everyTable) },
      ipv6: { to: expectedRules('ipv6', everyTable) },
    });
    expect(result.applied).toEqual(['ipv4', 'ipv6']);
    await expectInSync(ns, backend, 'ipv4', expectedRules('ipv4', everyTable));
    await expectInSync(ns, backend, 'ipv6', expectedRules('ipv6', everyTable));
    expect((await removeOwned(runner, rb)).removed).toEqual(['ipv4', 'ipv6']);
    for (const family of ['ipv4', 'ipv6'] as const) {
      expect(extractOwned(parseSave(await save(ns, backend, family)))).toEqual({ tables: [] });
    }
  });
});

/** Per table, the lines that pass `keep`, optionally with counters stripped. */
function mapLines(view: Record<string, string[]>, keep: (line: string) => boolean, strip = false) {
  const clean = (l: string) => (strip ? l.replace(/^\[\d+:\d+\] /, '').replace(/ \[\d+:\d+\]$/, '') : l);
  return Object.fromEntries(Object.entries(view).map(([t, lines]) => [t, lines.filter(keep).map(clean)]));
}
