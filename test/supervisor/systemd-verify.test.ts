import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKumaDpUnit } from '../../src/supervisor/systemd-unit.js';
import { createTestUser, GUIDE_ARGV, GUIDE_ENV, type TestUser } from './helpers.js';
import { analyzeUnavailableReason, parseWithSystemd, verifyUnit, withUnitDir } from './systemd-oracle.js';

// systemd cannot run here, but its unit loader can: the generated unit must load without a single complaint, and
// ExecStart= / Environment= must come back from systemd's own parser exactly as we meant them.
// Without it the tests are skipped, except in CI (CI=true), where that is a failure.
const why = await analyzeUnavailableReason();
const inCi = process.env.CI === 'true';
if (why !== undefined && !inCi) console.warn(`[systemd] unit verification skipped: ${why}`);

// Arguments that need every kind of quoting, after the fake kuma-dp (an executable that exists, for verify).
const TRICKY = ['with space', 'say "hi"', "it's", 'back\\slash', '$HOME $' + '{X}', '100% %h', ';', '', 'tab\tx', 'é☃'];
const TRICKY_ENV = { KUMA_A: 'b c', KUMA_B: 'x"y\\z', KUMA_C: '$HOME 100%', KUMA_D: '' };

if (why !== undefined && inCi) {
  it('has systemd-analyze', () => {
    throw new Error(`CI must judge the units with systemd, but: ${why}`);
  });
}

describe.skipIf(why !== undefined)('generated units, judged by systemd', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createTestUser();
  });
  afterAll(async () => {
    await user?.remove();
  });
  const unitFor = (argv: string[], env: Record<string, string>) =>
    renderKumaDpUnit({ host: 'example-server', argv: ['runuser', '-u', user.name, '--', ...argv], env });

  it('systemd-analyze verify has nothing to say about the unit', async () => {
    const text = unitFor([process.execPath, user.tools.fakeDp, ...GUIDE_ARGV.slice(5), ...TRICKY], {
      ...GUIDE_ENV,
      ...TRICKY_ENV,
    });
    const complaints = await withUnitDir({ 'kuma-dp-example-server.service': text }, (dir) =>
      verifyUnit(`${dir}/kuma-dp-example-server.service`),
    );
    expect(complaints).toEqual([]);
  });

  it('systemd-analyze verify catches the docs’ pitfalls (so the check above means something)', async () => {
    const docsUnit = (execStart: string) =>
      [
        '[Service]',
        `User=${user.name}`,
        `ExecStart=${execStart}`,
        'Restart=always',
        'StartLimitIntervalSec=0',
        '',
      ].join('\n');
    const complaints = await withUnitDir(
      {
        'kuma-dp-misplaced.service': docsUnit(`${process.execPath} ${user.tools.fakeDp} run`),
        'kuma-dp-relative.service': docsUnit('./bin/kuma-dp run --cp-address=https://cp:5678'),
      },
      async (dir) => [
        ...(await verifyUnit(`${dir}/kuma-dp-misplaced.service`)),
        ...(await verifyUnit(`${dir}/kuma-dp-relative.service`)),
      ],
    );
    expect(complaints.join('\n')).toMatch(
      /misplaced\.service:5: Unknown key 'StartLimitIntervalSec' in section \[Service\]/,
    );
    expect(complaints.join('\n')).toMatch(/relative\.service:3: Neither a valid executable name nor an absolute path/);
  });

  it('systemd parses ExecStart= and Environment= back to exactly our argv and environment', async (context) => {
    const argv = [process.execPath, user.tools.fakeDp, 'run', ...TRICKY, 'new\nline', '\u0001'];
    const text = unitFor(argv, TRICKY_ENV);
    const parsed = await withUnitDir({ 'kuma-dp-example-server.service': text }, (dir) =>
      parseWithSystemd(dir, 'kuma-dp-example-server.service', user.name),
    );
    if (parsed === undefined) {
      if (inCi)
        throw new Error('CI must check how systemd parses the unit, but `systemd --test --user` printed no dump');
      context.skip('`systemd --test --user` printed no dump of the unit on this machine');
      return;
    }
    // The dump is from before exec-time variable expansion, which turns `$$` into `$` (and would expand a lone `$X`).
    expect(parsed.commandLine).toEqual(argv.map((arg) => arg.replaceAll('$', () => '$$')));
    expect(parsed.environment).toEqual(Object.entries(TRICKY_ENV).map(([k, v]) => `${k}=${v}`));
  });
});
