/**
 * The xtables lock on legacy: restores wait for it (`--wait`), are retried a bounded number of times while another
 * program holds it, then give `rules.lock-timeout` with nothing changed. The lock file is global to the machine,
 * so these tests hold it only for a few seconds, one test at a time. nft takes no lock and gets no wait flags.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import type { KumaGitopsError } from '../../src/errors.js';
import type { Logger } from '../../src/model/log.js';
import { applyRules } from '../../src/rules-apply/apply-rules.js';
import { rulesBackend } from '../../src/rules-apply/backend.js';
import { describeWithNetns } from '../support/netns.js';
import { everyTable, expectedRules, foreignBefore } from './fixtures.js';
import { netnsRunner } from './netns-runner.js';
import { byTable, expectInSync, restore, save, TOOLS } from './save-view.js';

const LOCK = '/run/xtables.lock';

/** Holds the xtables lock for at most `seconds` (flock without fork: killing the pid releases it). */
async function holdLock(seconds: number): Promise<ChildProcess> {
  const child = spawn('flock', ['-x', '-F', LOCK, 'sh', '-c', `echo locked; exec sleep ${seconds}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`flock exited with ${code} before taking the lock`)));
  });
  return child;
}

function release(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (_data, message) => warnings.push(message) };
}

await describeWithNetns('the xtables lock (legacy, real iptables)', TOOLS, (fresh) => {
  it.each([true, false])('held too long: rules.lock-timeout and nothing changed (proof %s)', async (prove) => {
    const ns = await fresh();
    await restore(ns, 'legacy', 'ipv4', foreignBefore('ipv4'));
    const before = await save(ns, 'legacy', 'ipv4', true);
    const logger = recordingLogger();
    const holder = await holdLock(5);
    let error: KumaGitopsError | undefined;
    try {
      await applyRules(
        netnsRunner(ns.name),
        rulesBackend('legacy'),
        { ipv4: { to: expectedRules('ipv4', everyTable) } },
        { prove, wait: 1, lockRetries: 1, lockRetryDelayMs: 100, logger },
      ).catch((e: KumaGitopsError) => {
        error = e;
      });
    } finally {
      await release(holder);
    }
    expect(error?.code).toBe('rules.lock-timeout');
    expect(error?.message).toBe(
      'ipv4 rules: xtables lock held too long by another program (2 attempts); nothing was changed; ' +
        'find what holds /run/xtables.lock (e.g. a firewall reload) and retry',
    );
    expect(logger.warnings).toEqual(['ipv4 rules: xtables lock is busy, trying again']);
    expect(byTable(await save(ns, 'legacy', 'ipv4', true), true)).toEqual(byTable(before, true));
  });

  it('held briefly: the retry gets through', async () => {
    const ns = await fresh();
    const logger = recordingLogger();
    const holder = await holdLock(2);
    try {
      await applyRules(
        netnsRunner(ns.name),
        rulesBackend('legacy'),
        { ipv4: { to: expectedRules('ipv4') } },
        { wait: 1, lockRetries: 4, lockRetryDelayMs: 500, logger },
      );
    } finally {
      await release(holder);
    }
    expect(logger.warnings.length).toBeGreaterThan(0);
    await expectInSync(ns, 'legacy', 'ipv4', expectedRules('ipv4'));
  });

  it('legacy restores carry --wait (and --wait-interval when set); nft restores carry neither', async () => {
    for (const [mode, flags] of [
      ['legacy', ['--wait=3', '--wait-interval=20000', '--noflush']],
      ['nft', ['--noflush']],
    ] as const) {
      const ns = await fresh();
      const runner = netnsRunner(ns.name);
      await applyRules(
        runner,
        rulesBackend(mode),
        { ipv6: { to: expectedRules('ipv6') } },
        { wait: 3, waitIntervalUs: 20_000 },
      );
      const restores = runner.calls.filter((argv) => argv.some((a) => a === `ip6tables-${mode}-restore`));
      // the payload in the proof namespace (nothing of ours to seed it with), then on the host
      expect(restores.length).toBe(2);
      for (const argv of restores) expect(argv.slice(argv.indexOf(`ip6tables-${mode}-restore`) + 1)).toEqual(flags);
    }
  });
});
