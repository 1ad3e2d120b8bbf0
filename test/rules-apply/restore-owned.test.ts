/**
 * Putting Kuma-owned state back to a snapshot (rollback by the executor, crash recovery from the journal's
 * `*-save` text): our rules return, foreign rules added in between stay where they are.
 */
import { expect, it } from 'vitest';
import { parseSave } from '../../src/iptables/parse-save.js';
import { applyRules, restoreOwned } from '../../src/rules-apply/apply-rules.js';
import { rulesBackend } from '../../src/rules-apply/backend.js';
import { extractOwned, ownedAsExpected, sameOwnedRules } from '../../src/rules-apply/owned-state.js';
import { snapshotFromSave } from '../../src/rules-apply/snapshot.js';
import { describeWithNetns } from '../support/netns.js';
import { everyTable, everyTableMoreExclusions, expectedRules, FOREIGN_AFTER, foreignBefore } from './fixtures.js';
import { netnsRunner } from './netns-runner.js';
import { byTable, CASES, expectInSync, foreignView, restore, save, TOOLS } from './save-view.js';

await describeWithNetns('restoring Kuma-owned state from a snapshot (real iptables)', TOOLS, (fresh) => {
  it.each(CASES)('%s %s: after an update, the snapshot brings the old rules back', async (backend, family) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const rb = rulesBackend(backend);
    await restore(ns, backend, family, foreignBefore(family));
    await applyRules(runner, rb, { [family]: { to: expectedRules(family, everyTable) } });
    const installed = await save(ns, backend, family);

    const updated = await applyRules(runner, rb, { [family]: { to: expectedRules(family, everyTableMoreExclusions) } });
    expect(byTable(updated.snapshot[family]!.save)).toEqual(byTable(installed));
    await restore(ns, backend, family, FOREIGN_AFTER);
    const withLater = await save(ns, backend, family);

    const restored = await restoreOwned(runner, rb, updated.snapshot);
    expect(restored.applied).toEqual([family]);
    await expectInSync(ns, backend, family, expectedRules(family, everyTable));
    await expectInSync(ns, backend, family, ownedAsExpected(updated.snapshot[family]!.owned));
    expect(foreignView(await save(ns, backend, family))).toEqual(foreignView(withLater));
  });

  it.each(CASES)('%s %s: from journaled save text, a crash mid-way is undone', async (backend, family) => {
    const ns = await fresh();
    const runner = netnsRunner(ns.name);
    const rb = rulesBackend(backend);
    await restore(ns, backend, family, foreignBefore(family));
    await applyRules(runner, rb, { [family]: { to: expectedRules(family) } });
    const journaled = await save(ns, backend, family);
    // What a killed run may leave: one table of the new payload committed, the rest not.
    await restore(ns, backend, family, '*raw\n:KUMA_MESH_STRAY - [0:0]\nCOMMIT\n');
    await restore(ns, backend, family, FOREIGN_AFTER);
    const withLater = await save(ns, backend, family);

    const snapshot = snapshotFromSave(family, journaled);
    await restoreOwned(runner, rb, { [family]: snapshot });
    const now = parseSave(await save(ns, backend, family));
    expect(sameOwnedRules(extractOwned(now), snapshot.owned)).toBe(true);
    expect(foreignView(await save(ns, backend, family))).toEqual(foreignView(withLater));
    // Nothing left to do: a second restore is a no-op.
    const settled = await save(ns, backend, family, true);
    const again = await restoreOwned(runner, rb, { [family]: snapshot });
    expect(again).toMatchObject({ applied: [], payloads: { [family]: '' } });
    expect(byTable(await save(ns, backend, family, true), true)).toEqual(byTable(settled, true));
  });
});
