/**
 * Installs that kumactl's cleanup refuses (REFERENCE §3.5 step 3, §8.12): rules without the kuma comment, from
 * `comments.disabled` or an old kumactl. Our chains and the rules jumping to them are ours anyway; comment-less
 * rules that jump nowhere of ours (DNS, raw, mangle) are ours when the caller recognises them.
 */
import { expect, it } from 'vitest';
import { applyRules, removeOwned } from '../../src/rules-apply/apply-rules.js';
import { rulesBackend } from '../../src/rules-apply/backend.js';
import { describeWithNetns } from '../support/netns.js';
import {
  type ConfigEdit,
  everyTable,
  expectedRules,
  foreignBefore,
  kumactlRestore,
  withoutComments,
} from './fixtures.js';
import { netnsRunner } from './netns-runner.js';
import { byTable, CASES, expectInSync, foreignView, restore, save, TOOLS } from './save-view.js';

const both =
  (...edits: ConfigEdit[]): ConfigEdit =>
  (c) => {
    for (const edit of edits) edit(c);
  };

await describeWithNetns('replacing comment-less installs (real iptables)', TOOLS, (fresh) => {
  it.each(CASES)(
    '%s %s: a comment-less kumactl install is replaced by the commented rules',
    async (backend, family) => {
      const ns = await fresh();
      await restore(ns, backend, family, foreignBefore(family));
      const before = await save(ns, backend, family);
      await restore(ns, backend, family, kumactlRestore(family, withoutComments));
      expect(await save(ns, backend, family)).not.toContain('kuma/mesh/transparent/proxy');

      const to = expectedRules(family);
      const result = await applyRules(netnsRunner(ns.name), rulesBackend(backend), { [family]: { to } });
      expect(result.snapshot[family]?.owned.tables.map((t) => t.name)).toEqual(['nat']);
      expect(result.payloads[family]).toMatch(/^-D PREROUTING -p tcp -j KUMA_MESH_INBOUND$/m);
      await expectInSync(ns, backend, family, to);
      expect(foreignView(await save(ns, backend, family))).toEqual(foreignView(before));
    },
  );

  it.each(CASES)('%s %s: removing a comment-less install leaves only the foreign rules', async (backend, family) => {
    const ns = await fresh();
    await restore(ns, backend, family, foreignBefore(family));
    const before = await save(ns, backend, family);
    await restore(ns, backend, family, kumactlRestore(family, withoutComments));
    await removeOwned(netnsRunner(ns.name), rulesBackend(backend), { families: [family] });
    expect(byTable(await save(ns, backend, family))).toEqual(byTable(before));
  });

  it.each(CASES)('%s %s: comment-less DNS, raw and mangle rules go when recognised', async (backend, family) => {
    const ns = await fresh();
    await restore(ns, backend, family, foreignBefore(family));
    const before = await save(ns, backend, family);
    const old = both(everyTable, withoutComments);
    await restore(ns, backend, family, kumactlRestore(family, old));

    const to = expectedRules(family, everyTable);
    const runner = netnsRunner(ns.name);
    await applyRules(runner, rulesBackend(backend), { [family]: { to } }, { recognize: [expectedRules(family, old)] });
    await expectInSync(ns, backend, family, to);
    expect(foreignView(await save(ns, backend, family))).toEqual(foreignView(before));
    await removeOwned(runner, rulesBackend(backend), { families: [family] });
    expect(byTable(await save(ns, backend, family))).toEqual(byTable(before));
  });
});
