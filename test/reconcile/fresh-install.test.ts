/**
 * Acceptance: a fresh host namespace. One `apply` brings it from nothing to the desired state in the guide's order
 * (user, files, kuma-dp, ready, rules, verify); the rules are exactly what `tproxy rules` computes for the host's
 * facts; a second `plan` is empty; and real traffic goes where the rules say. Real iptables (both backends), real
 * users, the stand-in kuma-dp.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { FRESH_INSTALL_STEPS, factsFile, type Outcome, tproxyDiff } from '../support/e2e/e2e-cli.js';
import { type E2eHost, HOST_ADDRESS, KUMA_DP_UID, PEER_ADDRESS } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { exec, type Result } from '../support/world/exec.js';
import { fleetTproxy } from '../support/world/host-yaml.js';
import { removeUser, throwAwayUser } from '../support/world/users.js';

await describeE2e(
  'apply on a fresh host namespace',
  (_backend, fresh) => {
    let h: E2eHost;
    let service: { name: string; uid: number };
    let applied: Result;
    let planned: Result;

    beforeAll(async () => {
      h = await fresh();
      service = await throwAwayUser('kgsvc');
      h.onCleanup(() => removeUser(service.name));
      await h.setHost({ serviceUser: service.name });
      applied = await h.apply(['--output', 'json']);
      planned = await h.plan();
    }, 90_000);

    it('runs the guide’s steps in order and exits 0', () => {
      expect(applied.code, applied.stderr).toBe(0);
      const outcome = JSON.parse(applied.stdout) as Outcome;
      expect(outcome.status).toBe('applied');
      // The kuma-dp user exists already (shared by the suite): the create-user step is shown by the next test file.
      expect(outcome.plan.steps.map((s) => s.kind)).toEqual(FRESH_INSTALL_STEPS);
    });

    it('leaves nothing to do: a second plan exits 0', () => {
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain('in sync');
    });

    it('wrote the Dataplane template and the effective tproxy config, readable by kuma-dp, writable by root only', async () => {
      const template = await readFile(join(h.repo, 'templates', 'example-server.yaml'), 'utf8');
      expect(await readFile(h.files.dataplane, 'utf8')).toBe(template);
      const tproxy = await readFile(h.files.tproxy, 'utf8');
      expect(tproxy).toContain('excludePorts: [22]');
      for (const path of [h.files.dataplane, h.files.tproxy]) {
        const s = statSync(path);
        expect(s.uid).toBe(0);
        expect(s.mode & 0o022).toBe(0);
        expect(s.mode & 0o004).toBe(0o004);
      }
    });

    it('runs exactly one kuma-dp, as uid 5678, which answers ready inside the namespace', async () => {
      const procs = h.kumaDpProcesses();
      expect(procs.map((p) => p.uid)).toEqual([KUMA_DP_UID]);
      expect(procs[0]!.argv).toContain(`--dataplane-file=${h.files.dataplane}`);
      expect(h.pidFile()).toBeGreaterThan(0);
      expect(await h.ready()).toMatchObject({ ok: true, status: 200, body: 'READY' });
    });

    it.each(['ipv4', 'ipv6'] as const)(
      'installed exactly the %s rules `tproxy rules` computes for the namespace’s facts',
      async (family) => {
        const saved = await h.save(family);
        expect(saved).toContain('KUMA_MESH_INBOUND');
        const diff = await tproxyDiff(h, family, await factsFile(h, { 'kuma-dp': KUMA_DP_UID }));
        expect(diff.stderr).toBe('');
        expect(diff.code, diff.stdout).toBe(0);
        // The comparison is not vacuous: other facts (another kuma-dp uid) make it drift.
        const other = await tproxyDiff(h, family, await factsFile(h, { 'kuma-dp': 5679 }));
        expect(other.code, other.stdout).toBe(2);
      },
    );

    it('redirects inbound TCP from the peer to the stand-in’s inbound port', async () => {
      const r = await h.probe('peer', ['tcp', HOST_ADDRESS, '8080']);
      expect(r.ok, r.error).toBe(true);
      expect(r.text).toMatch(/^kuma-dp-standin port=15006 /);
    });

    it('redirects the service user’s outbound TCP to the stand-in’s outbound port', async () => {
      await h.listen('peer', PEER_ADDRESS, 80, 'the real peer');
      const r = await h.probe('host', ['tcp', PEER_ADDRESS, '80'], service.name);
      expect(r.text).toMatch(/^kuma-dp-standin port=15001 /);
    });

    it('does not redirect kuma-dp’s own uid: it reaches the real peer', async () => {
      await h.listen('peer', PEER_ADDRESS, 81, 'the real peer');
      const r = await h.probe('host', ['tcp', PEER_ADDRESS, '81'], 'kuma-dp');
      expect(r).toMatchObject({ ok: true, text: 'the real peer\n' });
    });

    it('does not redirect the excluded inbound port 22: the host’s own listener answers', async () => {
      await h.listen('host', '0.0.0.0', 22, 'ssh stays reachable');
      const r = await h.probe('peer', ['tcp', HOST_ADDRESS, '22']);
      expect(r).toMatchObject({ ok: true, text: 'ssh stays reachable\n' });
    });

    it('redirects a UDP DNS query to the resolv.conf nameserver to the stand-in’s DNS port', async () => {
      // Nothing listens on the peer's port 53: only the redirect can answer.
      const r = await h.probe('host', ['dns', PEER_ADDRESS, '53', 'example.com', 'TXT'], service.name);
      expect(r.ok, r.error).toBe(true);
      expect(r.answers).toEqual([{ type: 16, data: 'kuma-dp-standin port=15053' }]);
      const a = await h.probe('host', ['dns', PEER_ADDRESS, '53', 'example.com', 'A'], service.name);
      expect(a.answers).toEqual([{ type: 1, data: '127.0.0.53' }]);
    });
  },
  { concurrent: true },
);

await describeE2e(
  'apply creates a missing kuma-dp user',
  (_backend, fresh) => {
    it('creates the user with the desired uid first, then everything else; plan is empty after', async () => {
      const h = await fresh();
      // A throw-away name for kuma-dp, so that deleting it never disturbs the suite's shared kuma-dp user.
      const user = await throwAwayUser('kgdp');
      h.onCleanup(() => removeUser(user.name));
      await removeUser(user.name); // a free name and uid, now missing
      await h.setHost({ kumaDp: { user: user.name, uid: user.uid } });
      h.allowKumaDpUser(user.name, user.uid);
      await h.writeRepoFile('tproxy/fleet.yaml', fleetTproxy({ kumaDPUser: user.name }));
      const r = await h.apply(['--output', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const outcome = JSON.parse(r.stdout) as Outcome;
      expect(outcome.plan.steps.map((s) => s.kind)).toEqual([
        'create-user',
        'write-file',
        'write-file',
        'start-kuma-dp',
        'wait-ready',
        'apply-rules',
        'verify',
      ]);
      const passwd = await exec(['getent', 'passwd', user.name]);
      expect(passwd.stdout.split(':')[2]).toBe(String(user.uid));
      expect(h.kumaDpProcesses().map((p) => p.uid)).toEqual([user.uid]);
      expect(await h.save('ipv4')).toContain(`--uid-owner ${user.uid}`);
      expect((await h.plan()).code).toBe(0);
    });
  },
  { concurrent: true },
);
