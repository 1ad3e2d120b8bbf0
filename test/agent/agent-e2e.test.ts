/**
 * Acceptance of the agent on a real host namespace (nft backend), following a repository served by Debian's
 * `git http-backend` over HTTP with Basic auth: a commit is applied; a commit whose kuma-dp never becomes ready is
 * rolled back and quarantined while the host keeps serving, and not tried again until the host's inputs change; a
 * commit that does not change the host is recorded without a plan; an invalid commit and a force-push are refused
 * (the force-push until an operator accepts it); a restart without the server converges from local state; two agents
 * on one state directory are refused; SIGTERM stops a running agent. Tests that wait out the retries of an
 * unreachable server (up to ~30 s of backoff) or a kill get 180 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startAlertmanagerWithReceiver } from '../support/alertmanager.js';
import { type AgentEvent, type AgentHost, followedHost, TOKEN } from '../support/e2e/agent-host.js';
import type { E2eHost } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';

const results = (events: AgentEvent[]) => events.filter((e) => e.msg === 'sync').map((e) => e.result);
const state = (h: E2eHost) =>
  JSON.parse(readFileSync(join(h.stateDir, 'agent', 'state.json'), 'utf8')) as {
    lastGood?: { commit: string };
    quarantined: { commit: string; reason: string }[];
    refused?: { commit: string; code: string; reason: string };
  };
const head = (a: AgentHost) => readFileSync(join(a.h.repo, '.git', 'refs', 'heads', 'main'), 'utf8').trim();

await describeE2e(
  'agent',
  (_backend, fresh) => {
    let a: AgentHost;
    let original: string;
    let firstApplied: string;

    it('applies the branch head, and a poll with nothing new changes nothing', async () => {
      // Only the bad revision below (port=9999) never gets ready.
      const h = await fresh({ env: { KUMA_STANDIN_NEVER_READY_IF_VAR: 'port=9999' } });
      a = await followedHost(h);
      const r = await a.once();
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(results(r.events)).toEqual(['applied']);
      firstApplied = head(a);
      expect(state(h).lastGood?.commit).toBe(firstApplied);
      expect(await h.ready()).toMatchObject({ status: 200 });
      expect((await h.plan()).code).toBe(0);
      // The token went to the server with the first request and is nowhere in the logs or the state.
      expect(a.server.requests.every((q) => q.authorization)).toBe(true);
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(readFileSync(join(h.stateDir, 'agent', 'state.json'), 'utf8')).not.toContain(TOKEN);

      const again = await a.once();
      expect(again.code).toBe(0);
      expect(results(again.events)).toEqual(['same']);
      expect(again.events.some((e) => e.msg === 'revision applied')).toBe(false);
    });

    it('quarantines a revision whose kuma-dp never becomes ready; the host keeps serving the previous one', async () => {
      const { h } = a;
      const good = head(a);
      const argv = h.kumaDpProcesses()[0]!.argv;
      original = readFileSync(join(h.repo, 'hosts/example-server.yaml'), 'utf8');
      a.writeConfig({ readyTimeout: '4s' });
      await h.setHost({ vars: { port: 9999 } });
      const bad = a.commit({}, 'port 9999 (never ready)');
      const r = await a.once();
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(results(r.events)).toEqual(['rolled-back']);
      expect(state(h).lastGood?.commit).toBe(good);
      expect(state(h).quarantined.map((q) => q.commit)).toEqual([bad]);
      expect(h.kumaDpProcesses()[0]!.argv).toEqual(argv);
      expect(await h.ready()).toMatchObject({ status: 200 });

      // Not tried again: neither at the next poll, nor for a commit that leaves this host's inputs as they were.
      const held = await a.once();
      expect(results(held.events)).toEqual(['held']);
      a.commit({ 'README.md': 'notes\n' }, 'a note, same inputs');
      const same = await a.once();
      expect(results(same.events)).toEqual(['quarantined']);
      expect(same.events.some((e) => e.msg === 'apply failed, rolling back')).toBe(false);
    });

    it('records a revision that does not change this host, without a plan', async () => {
      const { h } = a;
      a.writeConfig();
      const fixed = a.commit({ 'hosts/example-server.yaml': original }, 'back to the host file that works');
      const r = await a.once();
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(results(r.events)).toEqual(['recorded']);
      expect(r.events.some((e) => e.msg === 'step')).toBe(false);
      expect(state(h).lastGood?.commit).toBe(fixed);
    });

    it('refuses an invalid revision and leaves the host untouched', async () => {
      const { h } = a;
      const before = state(h).lastGood?.commit;
      const bad = a.commit({ 'hosts/example-server.yaml': 'dataplane: [\n' }, 'broken YAML');
      const r = await a.once();
      expect(r.code).toBe(2);
      expect(results(r.events)).toEqual(['invalid']);
      expect(state(h).refused).toMatchObject({ commit: bad, code: 'agent.invalid-revision' });
      expect(state(h).refused!.reason).toMatch(/hosts\/example-server\.yaml:\d+/);
      expect(state(h).lastGood?.commit).toBe(before);
      expect(await h.ready()).toMatchObject({ status: 200 });
    });

    it('refuses a force-push naming both commits, until an operator accepts it', async () => {
      const { h } = a;
      const good = state(h).lastGood!.commit;
      // History rewritten from the first applied commit (a working host file), dropping everything since.
      const rewritten = a.forcePush(firstApplied, { 'README.md': 'rewritten history\n' }, 'rewritten');
      const r = await a.once();
      expect(r.code).toBe(2);
      expect(results(r.events)).toEqual(['refused']);
      expect(state(h).refused).toMatchObject({ commit: rewritten, code: 'agent.rewind' });
      expect(state(h).refused!.reason).toContain(good.slice(0, 12));
      expect(state(h).refused!.reason).toContain(`kuma-gitops agent accept ${rewritten}`);

      const accept = await a.cli(['agent', 'accept', '--revision', rewritten.slice(0, 10)]);
      expect(accept.code, accept.stderr).toBe(0);
      expect(accept.stdout).toMatch(new RegExp(`accepted ${rewritten}`));
      const applied = await a.once();
      expect(applied.code, applied.stdout).toBe(0);
      expect(state(h).lastGood?.commit).toBe(rewritten);
    });

    it('SIGHUP syncs at once, whatever the poll interval', async () => {
      a.writeConfig({ pollInterval: '1h' });
      const running = a.start();
      const current = state(a.h).lastGood!.commit;
      await expect.poll(() => running.output().includes('"msg":"sync"'), { timeout: 60_000, interval: 100 }).toBe(true);
      const next = a.commit({ 'README.md': 'after SIGHUP\n' }, 'a note');
      expect(next).not.toBe(current);
      running.child.kill('SIGHUP');
      await expect.poll(() => state(a.h).lastGood?.commit, { timeout: 60_000, interval: 100 }).toBe(next);
      expect(running.output()).toMatch(/SIGHUP: syncing now/);
      running.child.kill('SIGTERM');
      expect((await running.done).signal).toBeNull();
      a.writeConfig();
    });

    it('drift: a flush by hand and a killed kuma-dp are repaired by the running agent within seconds', async () => {
      const { h } = a;
      // Debian's Alertmanager, notifying a receiver here of what fires and what resolves.
      const am = await startAlertmanagerWithReceiver(h.dir);
      const notes = am.notes;
      h.onCleanup(() => am.close());
      a.writeConfig({
        extra: `alerts:\n  alertmanager: [${am.url}]\n  resendInterval: 1s\ndrift:\n  checkInterval: 1s\n`,
      });
      const running = a.start();
      try {
        await expect
          .poll(() => running.output().includes('"msg":"watching for drift"'), { timeout: 60_000, interval: 100 })
          .toBe(true);
        expect(running.output()).toMatch(/"mode":"events"[^\n]*"msg":"watching for drift"/);
        const kumaRules = async () =>
          (await h.save('ipv4')).split('\n').filter((l) => l.startsWith('-A KUMA_MESH_INBOUND ')).length;
        const before = await kumaRules();
        expect(before).toBeGreaterThan(0);

        await h.inHost(['iptables-nft', '-t', 'nat', '-F']);
        const flushedAt = performance.now();
        await expect.poll(kumaRules, { timeout: 30_000, interval: 50 }).toBe(before);
        const seconds = (performance.now() - flushedAt) / 1000;
        expect(seconds).toBeLessThan(30);
        await expect
          .poll(() => running.output().includes('"msg":"drift healed"'), { timeout: 30_000, interval: 100 })
          .toBe(true);
        expect(running.output()).toMatch(
          /"msg":"drift","class":"rules-missing"|"class":"rules-missing".*"msg":"drift"/,
        );

        // The metrics say so too, in an exposition promtool accepts.
        const url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(running.output())![1]!;
        // The gauge drops back once the check after the heal has read the host again: wait for it.
        await expect
          .poll(async () => (await (await fetch(url)).text()).includes('kuma_gitops_drift{class="rules-missing"} 0'), {
            timeout: 30_000,
            interval: 100,
          })
          .toBe(true);
        const metrics = await (await fetch(url)).text();
        expect(
          metrics
            .split('\n')
            .filter((l) => l.startsWith('kuma_gitops_') && !l.includes('process') && !l.includes('nodejs'))
            .join('\n'),
        ).toMatch(/kuma_gitops_heals_total\{class="rules-missing"\} [1-9]/);
        expect(metrics).toMatch(/kuma_gitops_drift_events_total\{class="rules-missing",source="[a-z-]+"\} [1-9]/);
        expect(metrics).toContain(`kuma_gitops_applied_revision_info{revision="${state(h).lastGood!.commit}"} 1`);
        expect(metrics).toContain('kuma_gitops_drift{class="rules-missing"} 0');
        const check = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
        expect(`${check.stdout}${check.stderr}`).toBe('');

        const pid = h.kumaDpProcesses()[0]!.pid;
        process.kill(pid, 'SIGKILL');
        await expect.poll(async () => (await h.ready()).status, { timeout: 60_000, interval: 200 }).toBe(200);
        expect(h.kumaDpProcesses()[0]!.pid).not.toBe(pid);
        expect(running.output()).toMatch(/"class":"kuma-dp-down"/);
        expect((await h.plan()).code).toBe(0);

        // A token problem is only alerted (the agent cannot make a token): Alertmanager shows it firing, and resolved
        // once the file is back.
        renameSync(h.files.token, `${h.files.token}.away`);
        const drift = (status: string) =>
          notes.some(
            (n) =>
              n.labels.alertname === 'KumaGitopsDrift' && n.labels.class === 'token-problem' && n.status === status,
          );
        await expect.poll(() => drift('firing'), { timeout: 60_000, interval: 100 }).toBe(true);
        const active = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
        expect(active.map((x) => x.labels)).toContainEqual(
          expect.objectContaining({
            alertname: 'KumaGitopsDrift',
            class: 'token-problem',
            host: 'example-server',
            severity: 'warning',
          }),
        );
        renameSync(`${h.files.token}.away`, h.files.token);
        await expect.poll(() => drift('resolved'), { timeout: 60_000, interval: 100 }).toBe(true);
        expect(running.output()).not.toMatch(
          /"msg":"healing drift"[^\n]*token-problem|token-problem[^\n]*"msg":"healing drift"/,
        );

        running.child.kill('SIGTERM');
        expect((await running.done).signal).toBeNull();
        a.writeConfig();
      } finally {
        running.child.kill('SIGKILL');
        await running.done;
      }
    }, 180_000);

    it('SIGKILL during an apply and during a fetch: the next run recovers and applies', async () => {
      const { h } = a;
      original = readFileSync(join(h.repo, 'hosts/example-server.yaml'), 'utf8');
      await h.setHost({ vars: { port: 8081 } });
      const next = a.commit({}, 'port 8081');
      const killed = await a.once({ KUMA_GITOPS_FAILPOINT: 'after:start-kuma-dp' });
      expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
      const r = await a.once();
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.events.find((e) => e.msg === 'recovered an interrupted apply')).toBeDefined();
      expect(results(r.events)).toEqual(['applied']);
      expect(state(h).lastGood?.commit).toBe(next);
      expect(await h.ready()).toMatchObject({ status: 200 });
      expect((await h.plan()).code).toBe(0);

      // Killed while the pack is on its way: the bare copy is not left half-updated.
      const back = a.commit({ 'hosts/example-server.yaml': original }, 'back to the working host file');
      a.server.fault = 'hang-pack';
      const running = a.start();
      await expect
        .poll(() => a.server.requests.some((q) => q.method === 'POST' && q.status === 0), {
          timeout: 60_000,
          interval: 100,
        })
        .toBe(true);
      running.child.kill('SIGKILL');
      await running.done;
      a.server.fault = 'none';
      const after = await a.once();
      expect(after.code, after.stdout + after.stderr).toBe(0);
      expect(state(h).lastGood?.commit).toBe(back);
    }, 180_000);

    it('with verify.mode head: refuses an unsigned commit and one by a key not allowed, applies an allowed one', async () => {
      const { h } = a;
      const key = join(h.dir, 'etc', 'signer');
      const stranger = join(h.dir, 'etc', 'stranger');
      for (const k of [key, stranger])
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops', '-f', k]);
      const allowed = join(h.dir, 'etc', 'allowed_signers');
      const pub = readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      writeFileSync(allowed, `ops@example.invalid ${pub}\n`, { mode: 0o644 });
      a.writeConfig({ verify: `verify:\n  mode: head\n  allowedSignersFile: ${allowed}\n` });
      const before = state(h).lastGood!.commit;

      const unsigned = a.commit({ 'README.md': 'unsigned\n' }, 'unsigned');
      const r1 = await a.once();
      expect(r1.code).toBe(2);
      expect(state(h).refused).toMatchObject({ commit: unsigned, code: 'agent.unsigned' });
      const byStranger = a.commitSigned({ 'README.md': 'by a stranger\n' }, 'signed, not allowed', stranger);
      const r2 = await a.once();
      expect(r2.code).toBe(2);
      expect(state(h).refused).toMatchObject({ commit: byStranger, code: 'agent.signer-not-allowed' });
      expect(state(h).lastGood!.commit).toBe(before);

      const signed = a.commitSigned({ 'README.md': 'signed\n' }, 'signed by ops', key);
      const r3 = await a.once();
      expect(r3.code, r3.stdout).toBe(0);
      expect(r3.events.find((e) => e.msg === 'signature good')).toMatchObject({ signer: 'ops@example.invalid' });
      expect(state(h).lastGood!.commit).toBe(signed);
      a.writeConfig();
    });

    it('after a "reboot" with the server down, converges from local state', async () => {
      const { h } = a;
      // kuma-dp gone and the rules flushed, as after a reboot.
      for (const p of h.kumaDpProcesses()) process.kill(p.pid, 'SIGKILL');
      await h.inHost(['iptables-nft', '-t', 'nat', '-F']);
      await a.server.close();
      const r = await a.once();
      expect(r.events.some((e) => e.msg === 'converging to the last good revision from local state')).toBe(true);
      expect(results(r.events)).toEqual(['source-error']);
      expect(r.code).toBe(2);
      expect(await h.ready()).toMatchObject({ status: 200 });
      expect((await h.plan()).code).toBe(0);
      const status = await a.cli(['status', '--output', 'json']);
      expect(status.code).toBe(2);
      const report = JSON.parse(status.stdout) as {
        applied: { commit: string };
        problems: string[];
        drift: { steps: string[] };
      };
      expect(report.applied.commit).toBe(state(h).lastGood!.commit);
      expect(report.problems.join('\n')).toMatch(/agent\.git-unreachable|could not list the branch/);
      expect(report.drift.steps).toEqual([]);
      expect(status.stdout).not.toContain(TOKEN);
      // A flush by hand: status names the drift and the step that would repair it.
      await h.inHost(['iptables-nft', '-t', 'nat', '-F', 'KUMA_MESH_INBOUND']);
      const drifted = JSON.parse((await a.cli(['status', '--output', 'json'])).stdout) as typeof report;
      expect(drifted.drift.steps.join('\n')).toMatch(/apply-rules/);
      expect(drifted.problems.join('\n')).toMatch(/drift: the host differs from [0-9a-f]{12}; 1 step\(s\)/);
      await a.once();
    }, 180_000);

    it('a state directory that cannot be written: exit 1 naming it, nothing else done', async () => {
      const blocked = join(a.h.dir, 'etc', 'a-file');
      writeFileSync(blocked, 'not a folder\n');
      const config = readFileSync(a.config, 'utf8');
      writeFileSync(a.config, config.replace(`stateDir: ${a.h.stateDir}`, `stateDir: ${blocked}/state`), {
        mode: 0o600,
      });
      const r = await a.once();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `the state directory ${blocked}/state cannot be written \\(ENOTDIR\\).*\\[agent\\.state-unwritable\\]`,
        ),
      );
      writeFileSync(a.config, config, { mode: 0o600 });
    });

    it('one agent per state directory; SIGTERM stops a running agent', async () => {
      const running = a.start();
      const lock = join(a.h.stateDir, 'agent', 'lock');
      await expect
        .poll(() => readFileSync(lock, 'utf8').trim(), { timeout: 30_000, interval: 100 })
        .toBe(String(running.child.pid));
      const second = await a.cli(['agent', '--once']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /another kuma-gitops agent \(pid \d+\) uses the state directory .*\[agent\.locked\]/,
      );
      running.child.kill('SIGTERM');
      const done = await running.done;
      expect(done.signal).toBeNull();
      expect(done.stdout).toMatch(/SIGTERM: stopping after the current step/);
    }, 180_000);
  },
  { backends: ['nft'] },
);
