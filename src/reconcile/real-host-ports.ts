import { rmSync } from 'node:fs';
import { KumaGitopsError } from '../errors.js';
import { formatSave } from '../iptables/format-save.js';
import type { IptablesBackend } from '../live/iptables-backend.js';
import type { NetworkFacts } from '../live/read-facts.js';
import { type ReadLiveStateOptions, readLive } from '../live/read-live-state.js';
import { rulesBackendOf } from '../live/read-rules.js';
import { readUserDb, type UserDb } from '../live/users.js';
import type { Family } from '../model/family.js';
import type { HostTarget } from '../model/host-target.js';
import { type EventLog, loggerOf } from '../model/log.js';
import { applyRules, removeOwned, restoreOwned } from '../rules-apply/apply-rules.js';
import type { RulesBackend } from '../rules-apply/backend.js';
import { extractOwned } from '../rules-apply/owned-state.js';
import { type RulesSnapshot, snapshotFromSave } from '../rules-apply/snapshot.js';
import { stopTimeoutMs } from '../supervisor/drain-time.js';
import { waitUntilReady } from '../supervisor/readiness-gate.js';
import { httpReadyProbe } from '../supervisor/ready-probe.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { CommandRunner } from '../system/command-runner.js';
import { writeFileSafely } from '../system/safe-write.js';
import type { HostPorts } from './host-ports.js';

/** The real host: the only place where the reconciler's decisions become commands, files and signals. */
export function realHostPorts(o: {
  runner: CommandRunner;
  supervisor: Supervisor;
  target: HostTarget;
  backend: IptablesBackend;
  /** Network facts and users prepareHost just read: the first live read reuses them instead of asking again. */
  network?: NetworkFacts;
  users?: UserDb;
  log: EventLog;
}): HostPorts {
  const { runner, supervisor, target, backend } = o;
  let prepared: ReadLiveStateOptions | undefined = { network: o.network, users: o.users };
  const rules: RulesBackend = rulesBackendOf(backend);
  const logger = loggerOf(o.log);
  // kumactl's own wait settings from the tproxy config; they only matter on legacy (the xtables lock).
  const waits = { wait: target.rules.wait, waitIntervalUs: target.rules.waitIntervalUs };
  const families = (): Family[] => (backend.commands.ipv6 ? ['ipv4', 'ipv6'] : ['ipv4']);

  return {
    async readLive(options = {}) {
      const running = await supervisor.status();
      const read = await readLive(runner, target, running?.pid, { ...prepared, backend, ...options });
      prepared = undefined;
      if (running?.byHand && read.state.kumaDp) read.state.kumaDp.byHand = true;
      return read.state;
    },
    async createUser(name, uid) {
      // The guide's `useradd -u 5678 -U kuma-dp`, without a home or a login shell: kuma-dp needs neither.
      const argv = ['useradd', '-u', String(uid), '-U', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', name];
      const result = await runner.run(argv, { inNetns: false, allowFailure: true });
      if (result.exitCode === 0) return;
      // Another reconcile (another host on this machine) may have created it first: that is the state we want.
      if ((await readUserDb()).findUser(name)?.uid === uid) return;
      throw new KumaGitopsError(
        'reconcile.useradd',
        `useradd could not create user ${name} (uid ${uid}): ${result.stderr.trim()}`,
        {
          name,
          uid,
        },
      );
    },
    async writeFile(file) {
      writeFileSafely(file.path, file.content, { mode: file.mode, uid: file.uid, gid: file.gid });
    },
    async putBackFile(path, previous) {
      if (previous === null) rmSync(path, { force: true });
      else writeFileSafely(path, previous.content, { mode: previous.mode, uid: previous.uid, gid: previous.gid });
    },
    async startKumaDp(argv, env, restart) {
      const running = await supervisor.status();
      if (restart || running) await supervisor.restart(argv, env, { timeoutMs: stopTimeoutMs(argv, env) });
      else await supervisor.start(argv, env);
    },
    async stopKumaDp() {
      await supervisor.stop({ timeoutMs: stopTimeoutMs(target.kumaDp.argv, target.kumaDp.env) });
    },
    async waitReady(timeoutMs) {
      // The probe reports the status text, so a timeout says what kuma-dp last answered.
      await waitUntilReady(httpReadyProbe(target.kumaDp.readiness, { runner }), {
        timeoutMs,
        isAlive: async () => (await supervisor.status()) !== undefined,
        subject: `kuma-dp on ${target.host}`,
        logExcerpt: () => supervisor.logExcerpt(),
      });
    },
    async applyRules(fams, live) {
      const change: Parameters<typeof applyRules>[2] = {};
      for (const family of fams) {
        const have = live.rules.families[family];
        change[family] = { ...(have ? { from: extractOwned(have) } : {}), to: target.rules.expected[family] };
      }
      await applyRules(runner, rules, change, { logger, ...waits });
    },
    async restoreRules(snapshot) {
      const snap: RulesSnapshot = {};
      for (const family of families()) {
        const save = snapshot[family];
        if (save !== undefined) snap[family] = snapshotFromSave(family, save);
      }
      await restoreOwned(runner, rules, snap, { logger, ...waits });
    },
    async removeRules() {
      await removeOwned(runner, rules, { families: families(), logger, ...waits });
    },
    snapshotRules(live) {
      const out: Partial<Record<Family, string>> = {};
      for (const family of families()) {
        const set = live.rules.families[family];
        out[family] = set ? formatSave(set) : '';
      }
      return out;
    },
  };
}
