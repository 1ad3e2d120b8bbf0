/** A process supervisor per test: its own namespace (loopback up) and state directory, all cleaned up after. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessSupervisor } from '../../src/supervisor/process-supervisor.js';
import { type ReadinessGateOptions, waitUntilReady } from '../../src/supervisor/readiness-gate.js';
import { httpReadyProbe } from '../../src/supervisor/ready-probe.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import type { Netns } from '../support/netns.js';

export interface SupervisorSetup {
  sup: ReturnType<typeof createProcessSupervisor>;
  ns: Netns;
  dir: string;
}

export function supervisorFixture(fresh: () => Promise<Netns>) {
  const made: SupervisorSetup[] = [];
  return {
    async make(host = 'example-server'): Promise<SupervisorSetup> {
      const ns = await fresh();
      await ns.exec('ip', ['link', 'set', 'lo', 'up']);
      const dir = await mkdtemp(join(tmpdir(), 'kgtest-supervisor-'));
      const sup = createProcessSupervisor({ host, stateDir: dir, netns: ns.name, stopTimeoutMs: 5_000 });
      const setup = { sup, ns, dir };
      made.push(setup);
      return setup;
    },
    /** Stops what the tests left running (SIGKILL after 2 s) and removes the state directories. */
    async cleanup(): Promise<void> {
      for (const { sup, dir } of made) {
        await sup.stop({ timeoutMs: 2_000 }).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The readiness gate as the reconciler runs it for a supervised kuma-dp: `GET /ready` on 127.0.0.1:9902 inside the
 * namespace, every 100 ms, giving up as soon as the supervisor no longer sees the process.
 */
export function readinessGate({ sup, ns }: Pick<SupervisorSetup, 'sup' | 'ns'>) {
  const probe = httpReadyProbe(
    { address: '127.0.0.1', port: 9902 },
    { runner: createCommandRunner({ netns: ns.name }) },
  );
  const wait = (options: Omit<ReadinessGateOptions, 'intervalMs' | 'isAlive'>) =>
    waitUntilReady(probe, { intervalMs: 100, isAlive: async () => (await sup.status()) !== undefined, ...options });
  return { probe, wait };
}
