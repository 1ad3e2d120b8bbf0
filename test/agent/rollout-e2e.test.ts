/**
 * Progressive rollout across three sandbox hosts, each followed by its own agent, all following one repository
 * (Debian's git http-backend) and reporting to one Alertmanager (Debian's, on 127.0.0.1): hosts wave-0, wave-1 and
 * wave-2, a 12 s waveDelay and the Alertmanager gate. A good commit reaches them in wave order; a commit whose
 * kuma-dp never becomes ready is rolled back on wave 0, and waves 1 and 2 hold it; a later good commit goes through;
 * a restarted agent keeps the wave timing it had, and `paused` holds across a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startAlertmanagerWithReceiver } from '../support/alertmanager.js';
import { followedHost } from '../support/e2e/agent-host.js';
import type { E2eHost } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { CLI } from '../support/world/cli.js';

const DELAY_S = 12;
const NAMES = ['wave-0', 'wave-1', 'wave-2'] as const;

interface AgentStateFile {
  lastGood?: { commit: string; at: string };
  quarantined: { commit: string }[];
  seen: { commit: string; at: string }[];
  rollout?: { commit: string; kind: string; reason: string };
  lastSync?: { result: string };
}
const stateOf = (h: E2eHost): AgentStateFile => {
  try {
    return JSON.parse(readFileSync(join(h.stateDir, 'agent', 'state.json'), 'utf8'));
  } catch {
    return { quarantined: [], seen: [] };
  }
};
const seenAt = (h: E2eHost, commit: string) => Date.parse(stateOf(h).seen.find((s) => s.commit === commit)?.at ?? '');
const appliedAt = (h: E2eHost) => Date.parse(stateOf(h).lastGood?.at ?? '');

await describeE2e(
  'rollout',
  (_backend, fresh) => {
    it('waves in order, a rollback on wave 0 holds waves 1 and 2, a fix goes through, timing and paused survive restarts', async () => {
      const hosts = await Promise.all(
        NAMES.map(() => fresh({ env: { KUMA_STANDIN_NEVER_READY_IF_VAR: 'port=9999' } })),
      );
      const [h0] = hosts;
      // One repository, in wave-0's world: each world's own host file (its paths), under the wave's name.
      const own = hosts.map((h) => readFileSync(join(h.repo, 'hosts/example-server.yaml'), 'utf8'));
      const hostDoc = (i: number, o: { vars?: object; env?: object; paused?: boolean }) => {
        const doc = parse(own[i]!);
        doc.dataplane.vars = { ...doc.dataplane.vars, name: `${NAMES[i]}-dataplane`, ...o.vars };
        doc.kumaDp.env = { ...doc.kumaDp.env, ...o.env };
        return stringify({ ...doc, rollout: { wave: i }, ...(o.paused ? { paused: true } : {}) });
      };
      const docs = (o: (i: number) => { vars?: object; env?: object; paused?: boolean } = () => ({})) =>
        Object.fromEntries(NAMES.map((n, i) => [`hosts/${n}.yaml`, hostDoc(i, o(i))]));
      for (const [path, text] of Object.entries(docs())) writeFileSync(join(h0!.repo, path), text);
      rmSync(join(h0!.repo, 'hosts/example-server.yaml'));
      const fleet = readFileSync(join(h0!.repo, 'fleet.yaml'), 'utf8');
      writeFileSync(join(h0!.repo, 'fleet.yaml'), `${fleet}rollout:\n  waveDelay: ${DELAY_S}s\n  gate: alertmanager\n`);
      const a = await followedHost(h0!);
      const good = readFileSync(join(h0!.repo, '.git/refs/heads/main'), 'utf8').trim();

      const am = await startAlertmanagerWithReceiver(h0!.dir);
      h0!.onCleanup(() => am.close());
      a.writeConfig({ readyTimeout: '3s', extra: `alerts:\n  alertmanager: [${am.url}]\n  resendInterval: 1s\n` });
      const base = readFileSync(a.config, 'utf8');
      const configs = hosts.map((h, i) => {
        const file = join(h.dir, `agent-${i}.yaml`);
        writeFileSync(
          file,
          base
            .replace('host: example-server', `host: ${NAMES[i]}`)
            .replace(`stateDir: ${h0!.stateDir}`, `stateDir: ${h.stateDir}`)
            .replace(`writeRoots: [${h0!.dir}/]`, `writeRoots: [${h.dir}/]`),
          { mode: 0o600 },
        );
        chmodSync(file, 0o600);
        return file;
      });
      const agents: (ChildProcess | undefined)[] = [];
      const start = (i: number) => {
        const child = spawn(process.execPath, [CLI, 'agent', '--config', configs[i]!, '--netns', hosts[i]!.netns], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        agents[i] = child;
        return child;
      };
      const stop = async (i: number) => {
        const child = agents[i];
        if (!child || child.exitCode !== null) return;
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        // It stops between steps; one in the middle of a readiness wait takes a few seconds.
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await done;
        clearTimeout(timer);
      };
      h0!.onCleanup(async () => {
        await Promise.all(NAMES.map((_, i) => stop(i)));
      });
      const allOn = (commit: string) => hosts.every((h) => stateOf(h).lastGood?.commit === commit);
      const inWaveOrder = (commit: string) => {
        for (const [i, h] of hosts.entries()) {
          // Not before its wave's time, counted from when its own agent first saw the commit.
          expect(appliedAt(h) - seenAt(h, commit)).toBeGreaterThanOrEqual(i * DELAY_S * 1000);
        }
        expect(appliedAt(hosts[0]!)).toBeLessThan(appliedAt(hosts[1]!));
        expect(appliedAt(hosts[1]!)).toBeLessThan(appliedAt(hosts[2]!));
      };

      try {
        // 1. A good commit reaches the hosts in wave order.
        for (const i of NAMES.keys()) start(i);
        await expect.poll(() => allOn(good), { timeout: 120_000, interval: 250 }).toBe(true);
        inWaveOrder(good);
        expect((await hosts[2]!.ready()).status).toBe(200);

        // 2. A commit whose kuma-dp never becomes ready: rolled back on wave 0; waves 1 and 2 hold it.
        const bad = a.commit(
          docs(() => ({ vars: { port: 9999 } })),
          'port 9999: kuma-dp never becomes ready',
        );
        await expect
          .poll(() => stateOf(hosts[0]!).quarantined.map((q) => q.commit), { timeout: 90_000, interval: 250 })
          .toEqual([bad]);
        // Past wave 2's time with room to spare: neither applied it, both say why.
        await expect
          .poll(() => hosts.slice(1).map((h) => stateOf(h).rollout?.kind), { timeout: 90_000, interval: 250 })
          .toEqual(['gated', 'gated']);
        await new Promise((r) => setTimeout(r, (DELAY_S * 2 + 3) * 1000 - (Date.now() - seenAt(hosts[2]!, bad))));
        for (const h of hosts) expect(stateOf(h).lastGood?.commit).toBe(good);
        for (const h of hosts.slice(1)) {
          expect(stateOf(h).rollout?.reason).toContain('KumaGitopsRollback on wave-0 firing for it');
          expect(stateOf(h).quarantined).toEqual([]);
        }
        const held = await fetch(`${am.url}/api/v2/alerts?filter=alertname="KumaGitopsRevisionHeld"`).then((r) =>
          r.json(),
        );
        expect(
          new Set((held as { labels: Record<string, string> }[]).map((x) => `${x.labels.host} ${x.labels.revision}`)),
        ).toEqual(new Set([`wave-1 ${bad}`, `wave-2 ${bad}`]));

        // 3. A later good commit is judged on its own and goes through, in wave order; wave 2's agent is restarted
        // while it waits and keeps the time its agent first saw the commit.
        const fixed = a.commit(
          docs(() => ({ env: { REV: '3' } })),
          'a fix: kuma-dp restarts with a new variable',
        );
        await expect.poll(() => seenAt(hosts[2]!, fixed), { timeout: 60_000, interval: 100 }).not.toBeNaN();
        const firstSeen = seenAt(hosts[2]!, fixed);
        await stop(2);
        start(2);
        await expect.poll(() => allOn(fixed), { timeout: 120_000, interval: 250 }).toBe(true);
        inWaveOrder(fixed);
        expect(seenAt(hosts[2]!, fixed)).toBe(firstSeen);
        expect(appliedAt(hosts[2]!) - firstSeen).toBeLessThan((2 * DELAY_S + 20) * 1000);

        // 4. paused: wave-1 holds a new commit across a restart of its agent, and says why.
        const next = a.commit(
          docs((i) => ({ env: { REV: '3' }, paused: i === 1 })),
          'pause wave-1',
        );
        await expect.poll(() => stateOf(hosts[1]!).rollout?.kind, { timeout: 60_000, interval: 250 }).toBe('paused');
        await stop(1);
        start(1);
        await new Promise((r) => setTimeout(r, (DELAY_S + 4) * 1000));
        expect(stateOf(hosts[1]!).rollout).toMatchObject({ kind: 'paused', commit: next });
        expect(stateOf(hosts[1]!).lastGood?.commit).toBe(fixed);
        expect(stateOf(hosts[1]!).rollout?.reason).toContain('paused (paused: true in hosts/wave-1.yaml)');
      } finally {
        // Before the hosts' cleanup: a running agent would heal the kuma-dp the cleanup stops.
        await Promise.all(NAMES.map((_, k) => stop(k)));
      }
    }, 420_000);
  },
  { backends: ['nft'] },
);
