/**
 * What a local user who can write into a folder next to kuma-gitops's targets, or a repository, could make root do
 * during an apply: nothing. A symlink planted where the old fixed temp name was, and next to the target, is never
 * written through; the token is never written, journaled or logged, also across a rollback.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { HOST_NAME } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';

await describeE2e(
  'host safety during apply',
  (_backend, fresh) => {
    it('a symlink planted at the temp names beside the Dataplane file changes nothing but the target', async () => {
      const h = await fresh();
      const victim = join(h.dir, 'victim');
      await writeFile(victim, 'precious\n', { mode: 0o600 });
      const before = statSync(victim);
      // The fixed name kuma-gitops used before, and the target itself as a link to the victim.
      await symlink(victim, `${h.files.dataplane}.kuma-gitops.tmp`);
      await symlink(victim, h.files.tproxy);
      const r = await h.apply();
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect(statSync(victim)).toMatchObject({ mode: before.mode, uid: before.uid, mtimeMs: before.mtimeMs });
      // The link at the target was replaced by the file itself, not written through.
      expect(statSync(h.files.tproxy).isFile()).toBe(true);
      expect(readFileSync(h.files.dataplane, 'utf8')).toContain('type: Dataplane');
      // No temp file is left behind.
      expect(readdirSync(h.dir).filter((f) => f.endsWith('.tmp') && f !== 'dp.yaml.kuma-gitops.tmp')).toEqual([]);
    });

    it('plan changes nothing, not even the state directory; a missing --netns is named as such', async () => {
      const h = await fresh();
      const plan = await h.plan();
      expect(plan.code, plan.stderr).toBe(2);
      expect(existsSync(join(h.stateDir, HOST_NAME))).toBe(false);
      const missing = await h.cli('plan', ['--netns', 'kgtest-no-such-netns']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('network namespace kgtest-no-such-netns does not exist');
    });

    it('the token is never written, journaled or logged, also when the change is rolled back', async () => {
      const h = await fresh({ env: { KUMA_STANDIN_NEVER_READY_IF_VAR: 'port=9999' } });
      const token = readFileSync(h.files.token, 'utf8');
      const before = statSync(h.files.token);
      expect((await h.apply()).code).toBe(0);
      await h.setHost({ vars: { port: 9999 } });
      const r = await h.apply(['--ready-timeout', '4']);
      expect(r.code, r.stderr).toBe(3);
      expect(readFileSync(h.files.token, 'utf8')).toBe(token);
      expect(statSync(h.files.token).mtimeMs).toBe(before.mtimeMs);
      const secret = token.trim();
      expect(r.stdout + r.stderr).not.toContain(secret);
      const state = join(h.stateDir, HOST_NAME);
      for (const file of readdirSync(state)) expect(readFileSync(join(state, file), 'utf8')).not.toContain(secret);
    });
  },
  { concurrent: true },
);
