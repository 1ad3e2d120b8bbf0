/**
 * When applying fails, the host is as before, in both families: a payload iptables refuses is caught in the
 * throw-away namespace; an IPv6 failure after IPv4 succeeded puts IPv4 back; a family that committed only some of
 * its tables is put back too. Real iptables 1.8.9, nft and legacy.
 */
import { expect, it } from 'vitest';
import type { KumaGitopsError } from '../../src/errors.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import { renderRuleText } from '../../src/iptables/words.js';
import type { ExpectedRule, ExpectedRuleSet } from '../../src/model/ruleset.js';
import { applyRules } from '../../src/rules-apply/apply-rules.js';
import { rulesBackend } from '../../src/rules-apply/backend.js';
import { extractOwned } from '../../src/rules-apply/owned-state.js';
import { buildTransition } from '../../src/rules-apply/transition-payload.js';
import { describeWithNetns } from '../support/netns.js';
import { everyTable, everyTableMoreExclusions, expectedRules, foreignBefore } from './fixtures.js';
import { isHostRestore, netnsRunner, withFault } from './netns-runner.js';
import { BACKENDS, byTable, CASES, nonEmptyTables, restore, save, TOOLS, tool } from './save-view.js';

/** `set` with one more rule appended to a chain of a table. */
function withRule(set: ExpectedRuleSet, table: string, chain: string, args: string[]): ExpectedRuleSet {
  const rule: ExpectedRule = { chain, args, text: renderRuleText(chain, args), placement: 'append' };
  return {
    tables: set.tables.map((t) => (t.name === table ? { ...t, rules: [...t.rules, rule] } : t)),
  };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error as KumaGitopsError,
  );

await describeWithNetns('when applying rules fails (real iptables)', TOOLS, (fresh) => {
  it.each(CASES)(
    '%s %s: a jump to a missing chain is rejected by the proof; the host is unchanged',
    async (backend, family) => {
      const ns = await fresh();
      const rb = rulesBackend(backend);
      await restore(ns, backend, family, foreignBefore(family));
      const before = await save(ns, backend, family, true);
      const broken = withRule(expectedRules(family, everyTable), 'nat', 'KUMA_MESH_OUTBOUND', [
        '-j',
        'KUMA_MESH_NOWHERE',
      ]);

      const error = await failure(applyRules(netnsRunner(ns.name), rb, { [family]: { to: broken } }));
      expect(error.code).toBe('rules.payload-rejected');
      expect(error.data).toMatchObject({ family, payloadLine: '-A KUMA_MESH_OUTBOUND -j KUMA_MESH_NOWHERE' });
      expect(error.message).toMatch(
        new RegExp(`^${family} rules: .*payload line \\d+ \\(-A KUMA_MESH_OUTBOUND -j KUMA_MESH_NOWHERE\\)`),
      );
      expect(error.message).toContain('KUMA_MESH_NOWHERE');
      expect(byTable(await save(ns, backend, family, true), true)).toEqual(byTable(before, true));

      // Why the proof restores for real: nft's --test only parses, and lets this payload through.
      const payload = buildTransition(extractOwned(parseSave(before)), broken);
      const test = ns.exec(tool(backend, family, 'restore'), ['--test', '--noflush'], payload);
      if (backend === 'nft') await expect(test).resolves.toBeDefined();
      else await expect(test).rejects.toThrow(/KUMA_MESH_NOWHERE/);
    },
  );

  it.each(CASES)(
    '%s %s: a rule iptables accepts but saves differently is rejected by the proof',
    async (backend, family) => {
      const ns = await fresh();
      const before = await save(ns, backend, family, true);
      // iptables saves `--dport` as `-m tcp --dport`: the read-back would drift for ever, so it must not be applied.
      const odd = withRule(expectedRules(family), 'nat', 'KUMA_MESH_INBOUND', [
        '-p',
        'tcp',
        '--dport',
        '22',
        '-j',
        'RETURN',
      ]);
      const error = await failure(applyRules(netnsRunner(ns.name), rulesBackend(backend), { [family]: { to: odd } }));
      expect(error.code).toBe('rules.payload-rejected');
      expect(error.message).toMatch(/result differs from the target .*KUMA_MESH_INBOUND/);
      expect(byTable(await save(ns, backend, family, true), true)).toEqual(byTable(before, true));
    },
  );

  it.each(BACKENDS.flatMap((b) => [[b, 'update'] as const, [b, 'fresh install'] as const]))(
    '%s: IPv6 failing after IPv4 succeeded (%s) leaves neither family changed',
    async (backend, kind) => {
      const ns = await fresh();
      const runner = netnsRunner(ns.name);
      const rb = rulesBackend(backend);
      for (const family of ['ipv4', 'ipv6'] as const) await restore(ns, backend, family, foreignBefore(family));
      if (kind === 'update') {
        const to = (family: 'ipv4' | 'ipv6') => ({ to: expectedRules(family, everyTable) });
        await applyRules(runner, rb, { ipv4: to('ipv4'), ipv6: to('ipv6') });
      }
      const before = { ipv4: await save(ns, backend, 'ipv4'), ipv6: await save(ns, backend, 'ipv6') };
      const broken = withFault(runner, (argv) =>
        isHostRestore(argv, /^ip6tables-\w+-restore$/)
          ? { exitCode: 1, stdout: '', stderr: 'ip6tables-restore: line 2 failed\n' }
          : undefined,
      );
      const change = {
        ipv4: { to: expectedRules('ipv4', everyTableMoreExclusions) },
        ipv6: { to: expectedRules('ipv6', everyTableMoreExclusions) },
      };
      const error = await failure(applyRules(broken, rb, change));
      expect(error.code).toBe('rules.apply-failed');
      expect(error.data).toMatchObject({ family: 'ipv6', rolledBack: ['ipv4'] });
      expect(error.message).toMatch(
        /^ipv6 rules could not be applied: .*ipv4 rules were put back; both families are as before/,
      );
      expect(byTable(await save(ns, backend, 'ipv4'))).toEqual(byTable(before.ipv4));
      expect(byTable(await save(ns, backend, 'ipv6'))).toEqual(byTable(before.ipv6));
    },
  );

  it.each(CASES)('%s %s: a family that committed only its first table is put back', async (backend, family) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    await restore(ns, backend, family, foreignBefore(family));
    const before = await save(ns, backend, family);
    // iptables-restore commits table by table: let the first table through for real, then fail.
    let failed = false;
    const partial = withFault(runner, async (argv, options) => {
      if (failed || !isHostRestore(argv, new RegExp(`^${tool(backend, family, 'restore')}$`))) return undefined;
      failed = true;
      const first = options.input!.slice(0, options.input!.indexOf('COMMIT\n') + 'COMMIT\n'.length);
      await runner.run(argv, { ...options, input: first });
      return { exitCode: 1, stdout: '', stderr: 'iptables-restore: line 40 failed\n' };
    });
    const error = await failure(
      applyRules(partial, rulesBackend(backend), { [family]: { to: expectedRules(family, everyTable) } }),
    );
    expect(error.code).toBe('rules.apply-failed');
    expect(byTable(await save(ns, backend, family))).toEqual(byTable(before));
  });

  it.each(BACKENDS)(
    '%s: a missing ip6tables restore binary stops everything before the host is touched',
    async (backend) => {
      const ns = await fresh();
      const runner = netnsRunner(ns.name);
      const rb = rulesBackend(backend, { ipv6: { restore: 'ip6tables-missing-restore' } });
      const before = { ipv4: await save(ns, backend, 'ipv4'), ipv6: await save(ns, backend, 'ipv6') };
      const change = { ipv4: { to: expectedRules('ipv4') }, ipv6: { to: expectedRules('ipv6') } };
      const proven = await failure(applyRules(runner, rb, change));
      expect(proven.code).toBe('rules.tool-missing');
      expect(proven.message).toBe(
        'ipv6 rules: ip6tables-missing-restore: command not found; nothing was changed; install the iptables package',
      );
      // Without the proof, IPv4 goes in first and is put back when IPv6 cannot run.
      const unproven = await failure(applyRules(runner, rb, change, { prove: false }));
      expect(unproven).toMatchObject({ code: 'rules.apply-failed', data: { family: 'ipv6', rolledBack: ['ipv4'] } });
      // The namespace had no nat table: IPv4's install created it, and putting IPv4 back leaves it there, empty.
      expect(nonEmptyTables(await save(ns, backend, 'ipv4'))).toEqual(nonEmptyTables(before.ipv4));
      expect(byTable(await save(ns, backend, 'ipv6'))).toEqual(byTable(before.ipv6));
    },
  );

  it.each(BACKENDS)('%s: Kuma rules changed since the caller read them: nothing is done', async (backend) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const rb = rulesBackend(backend);
    const planned = extractOwned(parseSave(await save(ns, backend, 'ipv4')));
    await applyRules(runner, rb, { ipv4: { to: expectedRules('ipv4') } });
    const before = await save(ns, backend, 'ipv4', true);
    const error = await failure(
      applyRules(runner, rb, { ipv4: { from: planned, to: expectedRules('ipv4', everyTable) } }),
    );
    expect(error.code).toBe('rules.changed-since-read');
    expect(byTable(await save(ns, backend, 'ipv4', true), true)).toEqual(byTable(before, true));
  });
});
