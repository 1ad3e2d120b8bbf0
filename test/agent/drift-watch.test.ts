/**
 * The drift watch alone, on a fake host (a live state the test edits; heals recorded): a storm of triggers makes one
 * check per debounce window; foreign rules are neither drift nor a heal nor an alert; drift is healed, rate-limited
 * per class, and a class past its limit is flapping (said once, healing resumes when the window has room); a token
 * problem is never healed; checks run one at a time under the agent's lock.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Armed } from '../../src/agent/drift-watch.js';
import { startDriftWatch } from '../../src/agent/drift-watch.js';
import { healLimit } from '../../src/agent/heal-limit.js';
import { parseNftJson } from '../../src/iptables/nft-json.js';
import { DRIFT_DEFAULTS, type DriftAction, type DriftClass } from '../../src/model/drift-class.js';
import type { HostTarget } from '../../src/model/host-target.js';
import type { LiveState } from '../../src/model/live-state.js';
import type { HostPorts } from '../../src/reconcile/host-ports.js';
import type { ReconcileOutcome } from '../../src/reconcile/reconcile-host.js';
import { editIpv4Save, liveInSync, sampleTarget } from '../support/targets.js';

let target: HostTarget;
beforeAll(async () => {
  target = await sampleTarget('example-server');
});

function fakeHost() {
  let live = liveInSync(target);
  let reads = 0;
  const heals: string[][] = [];
  const ports = {
    readLive: async () => {
      reads++;
      return live;
    },
  } as unknown as HostPorts;
  return {
    ports,
    set: (edit: (l: LiveState) => LiveState) => {
      live = edit(live);
    },
    reset: () => {
      live = liveInSync(target);
    },
    reads: () => reads,
    heals,
  };
}

function watchOn(
  host: ReturnType<typeof fakeHost>,
  o: { maxHeals?: number; healFixes?: boolean; policy?: Record<DriftClass, DriftAction> } = {},
) {
  const events: { event: string; data?: Record<string, unknown> }[] = [];
  let running = 0;
  let overlapped = false;
  const serialize = async <T>(fn: () => Promise<T>) => {
    running++;
    if (running > 1) overlapped = true;
    try {
      return await fn();
    } finally {
      running--;
    }
  };
  const watch = startDriftWatch({
    log: (event, data) => events.push({ event, data }),
    serialize,
    heal: async (a: Armed): Promise<ReconcileOutcome> => {
      host.heals.push([a.commit]);
      if (o.healFixes !== false) host.reset();
      return { status: 'applied', plan: { host: 'example-server', revision: 'r', steps: [] } };
    },
    limit: healLimit(o.maxHeals ?? 3, 600_000),
    checkIntervalMs: 3_600_000,
    debounceMs: 50,
  });
  watch.arm({ commit: 'c1', target, ports: host.ports, backend: 'legacy', ...(o.policy ? { policy: o.policy } : {}) });
  return { watch, events, overlapped: () => overlapped, named: (e: string) => events.filter((x) => x.event === e) };
}

describe('drift watch', () => {
  it('a storm of 10,000 triggers is one check per debounce window', async () => {
    const host = fakeHost();
    const w = watchOn(host);
    await expect.poll(host.reads, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    const before = host.reads();
    for (let i = 0; i < 10_000; i++) w.watch.trigger('xtables-monitor');
    await expect.poll(host.reads, { timeout: 5_000 }).toBe(before + 1);
    w.watch.stop();
    expect(host.heals).toEqual([]);
  });

  it('foreign rules are not drift: no heal, no event', async () => {
    const host = fakeHost();
    const w = watchOn(host);
    host.set((l) =>
      editIpv4Save(l, (save) => save.replace('\n:KUMA_MESH_INBOUND -', '\n:DOCKER - [0:0]\n:KUMA_MESH_INBOUND -')),
    );
    const before = host.reads();
    w.watch.trigger('xtables-monitor');
    await expect.poll(host.reads, { timeout: 5_000 }).toBeGreaterThan(before);
    w.watch.stop();
    expect(host.heals).toEqual([]);
    expect(w.named('drift')).toEqual([]);
  });

  it('drift is healed and said once; past the limit the class is flapping, said once, not healed', async () => {
    const host = fakeHost();
    const w = watchOn(host, { maxHeals: 2 });
    const FLAPPING = 'warning: flapping: not healing this class until the window has room';
    const editRule = (l: LiveState) => editIpv4Save(l, (save) => save.replace('--to-ports 15006', '--to-ports 15999'));
    // Two drifts, each healed (the fake heal puts the host back).
    for (let i = 1; i <= 2; i++) {
      host.set(editRule);
      w.watch.trigger('xtables-monitor');
      await expect.poll(() => host.heals.length, { timeout: 5_000 }).toBe(i);
      // The heal put it back: said as resolved (an alert then resolves) right after the heal.
      await expect.poll(() => w.named('drift resolved').length, { timeout: 5_000 }).toBe(i);
    }
    // The third is over the limit: flapping, said once, not healed; triggers while it lasts change nothing.
    host.set(editRule);
    w.watch.trigger('xtables-monitor');
    await expect.poll(() => w.named(FLAPPING).length, { timeout: 5_000 }).toBe(1);
    const reads = host.reads();
    w.watch.trigger('periodic');
    await expect.poll(host.reads, { timeout: 5_000 }).toBeGreaterThan(reads);
    w.watch.stop();
    expect(host.heals).toHaveLength(2);
    expect(w.named(FLAPPING).map((e) => e.data?.class)).toEqual(['rules-changed']);
    expect(w.named('drift').map((e) => e.data?.class)).toEqual(['rules-changed', 'rules-changed', 'rules-changed']);
    expect(w.overlapped()).toBe(false);
  });

  it('a class the desired state sets to alert is reported, not healed', async () => {
    const host = fakeHost();
    const w = watchOn(host, { policy: { ...DRIFT_DEFAULTS, 'kuma-dp-down': 'alert' } });
    host.set((l) => ({ ...l, kumaDp: undefined }));
    w.watch.trigger('kuma-dp-exit');
    await expect.poll(() => w.named('drift').map((e) => e.data?.class), { timeout: 5_000 }).toEqual(['kuma-dp-down']);
    w.watch.stop();
    expect(host.heals).toEqual([]);
  });

  it('a token problem is reported, never healed', async () => {
    const host = fakeHost();
    const w = watchOn(host);
    host.set((l) => ({
      ...l,
      access: l.access.map((a) => (a.purpose === 'dataplane token file' ? { ...a, state: 'missing' as const } : a)),
    }));
    w.watch.trigger('periodic');
    await expect.poll(() => w.named('drift').map((e) => e.data?.class), { timeout: 5_000 }).toEqual(['token-problem']);
    w.watch.stop();
    expect(host.heals).toEqual([]);
  });

  it('a native nftables chain that shadows Kuma is alerted and never healed: it is not ours', async () => {
    const host = fakeHost();
    const w = watchOn(host);
    const shadow = JSON.stringify({
      nftables: [
        { table: { family: 'inet', name: 'fw' } },
        {
          chain: {
            family: 'inet',
            table: 'fw',
            name: 'out',
            type: 'nat',
            hook: 'output',
            prio: -150,
            policy: 'accept',
          },
        },
        { rule: { family: 'inet', table: 'fw', chain: 'out', handle: 3, expr: [{ redirect: { port: 9999 } }] } },
      ],
    });
    host.set((l) => ({ ...l, nft: { ruleset: parseNftJson(shadow) } }));
    w.watch.trigger('nft-monitor');
    await expect.poll(() => w.named('drift').map((e) => e.data?.class), { timeout: 5_000 }).toEqual(['shadowed']);
    host.reset();
    w.watch.trigger('nft-monitor');
    await expect.poll(() => w.named('drift resolved').length, { timeout: 5_000 }).toBe(1);
    w.watch.stop();
    expect(host.heals).toEqual([]);
  });
});
