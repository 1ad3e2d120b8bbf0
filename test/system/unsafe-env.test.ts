/** Which kumaDp.env names could reach root's own processes on the way to kuma-dp, and are refused. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProcessSupervisor } from '../../src/supervisor/process-supervisor.js';
import { BASE_ENV, refuseUnsafeEnv } from '../../src/supervisor/supervisor.js';
import { createSystemdSupervisor } from '../../src/supervisor/systemd-supervisor.js';
import { rootExecutable } from '../../src/system/fixed-path.js';
import { unsafeEnvReason } from '../../src/validate/unsafe-env.js';
import { recordingRunner } from '../supervisor/helpers.js';

describe('unsafeEnvReason', () => {
  it.each([
    ['PATH', /choose which programs root runs/],
    ['LD_PRELOAD', /load code into root/],
    ['LD_LIBRARY_PATH', /load code into root/],
    ['LD_AUDIT', /load code into root/],
    ['GLIBC_TUNABLES', /glibc/],
    ['GCONV_PATH', /glibc/],
    ['TMPDIR', /glibc/],
    ['KUMA=X', /not a valid environment variable name/],
    ['1KUMA', /not a valid environment variable name/],
    ['', /not a valid environment variable name/],
  ])('refuses %j', (name, reason) => expect(unsafeEnvReason(name)).toMatch(reason));

  it.each([
    'KUMA_READINESS_PORT',
    'KUMA_DNS_PROXY_PORT',
    'HTTPS_PROXY',
    'no_proxy',
    'TZ',
    'GODEBUG',
    'LD',
    'XLD_PRELOAD',
  ])('allows %j', (name) => expect(unsafeEnvReason(name)).toBeUndefined());
});

describe('supervisors refuse an unsafe environment before they start anything', () => {
  it('process supervisor: no spawn, no pid record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgtest-unsafe-env-'));
    try {
      const sup = createProcessSupervisor({ host: 'h', stateDir: dir });
      await expect(sup.start(['/bin/true'], { LD_PRELOAD: '/tmp/evil.so' })).rejects.toMatchObject({
        code: 'supervisor.env-unsafe',
        message: expect.stringMatching(/LD_PRELOAD in kuma-dp's environment would load code into root/),
      });
      expect(await sup.status()).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('systemd supervisor: no unit written, no systemctl', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgtest-unsafe-env-'));
    try {
      const runner = recordingRunner();
      const sup = createSystemdSupervisor({ host: 'h', runner, unitDir: dir });
      await expect(sup.start(['/bin/true'], { PATH: '/tmp/evil' })).rejects.toMatchObject({
        code: 'supervisor.env-unsafe',
      });
      expect(runner.commands).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refuseUnsafeEnv', () => {
  it('lets the supervisor’s own PATH through (a rollback restarts kuma-dp with the environment read from /proc)', () => {
    expect(() => refuseUnsafeEnv('kuma-dp of host h', { ...BASE_ENV, KUMA_X: '1' })).not.toThrow();
    expect(() => refuseUnsafeEnv('kuma-dp of host h', { PATH: `/tmp/evil:${BASE_ENV.PATH}` })).toThrow(
      /kuma-dp of host h: PATH in kuma-dp's environment would choose which programs root runs/,
    );
  });
});

describe('rootExecutable', () => {
  it('finds root’s programs on the fixed PATH only, whatever the caller’s PATH says', () => {
    expect(rootExecutable('ip')).toMatch(/^\/(usr\/)?s?bin\/ip$/);
    expect(rootExecutable('/opt/x/kuma-dp')).toBe('/opt/x/kuma-dp');
    expect(rootExecutable('no-such-program-kg')).toBeUndefined();
  });
});
