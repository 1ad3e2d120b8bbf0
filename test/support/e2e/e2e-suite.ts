/**
 * The describe blocks of the reconcile acceptance tests: one per backend, whose tests get fresh hosts (e2e-host.ts)
 * that are all cleaned up in afterAll. Before them, what killed earlier runs left is removed and the shared kuma-dp
 * user is made sure of.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { netnsUnavailableReason } from '../netns.js';
import { CLI } from '../world/cli.js';
import { BACKENDS, type Backend } from '../world/iptables.js';
import { ensureKumaDpUser } from '../world/users.js';
import { removeDeadRuns } from '../world/world.js';
import { createE2eHost, E2E_NAMES, type E2eHost, type HostOptions } from './e2e-host.js';

type Body = (backend: Backend, fresh: (o?: HostOptions) => Promise<E2eHost>) => void;

/**
 * A describe block per backend whose tests get fresh hosts from `fresh()`, all cleaned up in afterAll. Without
 * root or namespaces it is skipped with its reason, except in CI (CI=true), where that is a failure.
 * `concurrent`: the tests of both backends run at the same time (each on its own hosts): they mostly wait for
 * processes, and vitest gives this suite one worker on two cores.
 */
export async function describeE2e(
  title: string,
  body: Body,
  o: { concurrent?: boolean; backends?: readonly Backend[] } = {},
): Promise<void> {
  const why =
    (await netnsUnavailableReason(['iptables-nft-save', 'iptables-legacy-save', 'runuser'])) ??
    (existsSync(CLI) ? undefined : `${CLI} is missing: run npm run build`);
  (o.concurrent ? describe.concurrent : describe)(title, () => {
    for (const backend of o.backends ?? BACKENDS) describeBackend(title, backend, why, body);
  });
}

function describeBackend(title: string, backend: Backend, why: string | undefined, body: Body): void {
  describe(backend, () => {
    if (why !== undefined) {
      if (process.env.CI === 'true') {
        it('has root, network namespaces, iptables and a build', () => {
          throw new Error(`CI must run the reconcile acceptance tests, but: ${why}`);
        });
      } else {
        console.warn(`[reconcile] ${title}: skipped: ${why}`);
        it.skip(`skipped: ${why}`, () => undefined);
      }
      return;
    }
    const created: E2eHost[] = [];
    beforeAll(async () => {
      // A killed run's namespaces (these tests' and test/support/netns.ts's), temp dirs, processes and users.
      await removeDeadRuns(E2E_NAMES);
      await ensureKumaDpUser();
    }, 60_000);
    afterAll(async () => {
      const results = await Promise.allSettled(created.map((h) => h.cleanup()));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }, 60_000);
    body(backend, async (o) => {
      const h = await createE2eHost(backend, o);
      created.push(h);
      return h;
    });
  });
}
