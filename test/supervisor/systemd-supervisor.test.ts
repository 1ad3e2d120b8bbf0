import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemdSupervisor } from '../../src/supervisor/systemd-supervisor.js';
import { renderKumaDpUnit } from '../../src/supervisor/systemd-unit.js';
import { GUIDE_ARGV, GUIDE_ENV, recordingRunner } from './helpers.js';

// systemd does not run here: a recording runner stands in for systemctl (the one place a fake runner is right) and
// the tests pin the exact command sequence; the unit text itself is checked by systemd in systemd-verify.test.ts.
const UNIT = 'kuma-dp-example-server.service';
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(mainPid = '4242', netns?: string) {
  const unitDir = await mkdtemp(join(tmpdir(), 'kgtest-units-'));
  dirs.push(unitDir);
  const runner = recordingRunner((argv) => (argv.includes('MainPID') ? { stdout: `${mainPid}\n` } : {}), netns);
  const sup = createSystemdSupervisor({ host: 'example-server', runner, unitDir });
  const commands = () => runner.commands.map((c) => c.argv.join(' '));
  return { sup, runner, unitDir, commands };
}

describe('systemd supervisor', () => {
  it('start: writes the unit, daemon-reload, enable --now, then reads MainPID', async () => {
    const { sup, runner, unitDir, commands } = await setup();
    expect(sup.kind).toBe('systemd');
    expect(await sup.start(GUIDE_ARGV, GUIDE_ENV)).toEqual({ pid: 4242 });
    expect(commands()).toEqual([
      'systemctl daemon-reload',
      `systemctl enable --now ${UNIT}`,
      `systemctl show -p MainPID --value ${UNIT}`,
    ]);
    expect(await readFile(join(unitDir, UNIT), 'utf8')).toBe(
      renderKumaDpUnit({ host: 'example-server', argv: GUIDE_ARGV, env: GUIDE_ENV }),
    );
    // systemctl talks to PID 1: never inside the namespace; and it waits longer than systemd's stop timeout (45 s).
    expect(runner.commands.map((c) => c.options.inNetns)).toEqual([false, false, false]);
    expect(runner.commands[1]!.options.timeoutMs).toBe(60_000);
  });

  it('restart: rewrites the unit, daemon-reload, restart, MainPID', async () => {
    const { sup, unitDir, commands, runner } = await setup('4343');
    const argv = [...GUIDE_ARGV, '--drain-time=1m'];
    expect(await sup.restart(argv, {}, { timeoutMs: 80_000 })).toEqual({ pid: 4343 });
    expect(commands()).toEqual([
      'systemctl daemon-reload',
      `systemctl restart ${UNIT}`,
      `systemctl show -p MainPID --value ${UNIT}`,
    ]);
    expect(runner.commands[1]!.options.timeoutMs).toBe(95_000);
    expect(await readFile(join(unitDir, UNIT), 'utf8')).toContain('\nTimeoutStopSec=75s\n');
  });

  it('stop: systemctl disable --now when the unit exists (no restart at boot), nothing when never installed', async () => {
    const { sup, commands, runner } = await setup();
    await sup.stop({ timeoutMs: 45_000 });
    expect(commands()).toEqual([]);
    await sup.start(GUIDE_ARGV, {});
    runner.commands.length = 0;
    await sup.stop({ timeoutMs: 45_000 });
    expect(commands()).toEqual([`systemctl disable --now ${UNIT}`]);
    expect(runner.commands[0]!.options).toEqual({ inNetns: false, timeoutMs: 60_000 });
  });

  it('status: MainPID, or undefined for 0 (not running)', async () => {
    expect(await (await setup('4242')).sup.status()).toEqual({ pid: 4242 });
    expect(await (await setup('0')).sup.status()).toBeUndefined();
  });

  it('start fails with the commands to look at when there is no main process', async () => {
    const { sup } = await setup('0');
    await expect(sup.start(GUIDE_ARGV, {})).rejects.toMatchObject({
      code: 'supervisor.start-failed',
      message: `${UNIT} has no main process after enable --now: see \`systemctl status ${UNIT}\` and \`journalctl -u ${UNIT}\``,
    });
  });

  it('with a namespace on the runner, the unit joins it', async () => {
    const { sup, unitDir } = await setup('1', 'kgtest-1-ab');
    await sup.start(GUIDE_ARGV, {});
    expect(await readFile(join(unitDir, UNIT), 'utf8')).toContain('\nNetworkNamespacePath=/run/netns/kgtest-1-ab\n');
  });

  it('a unit that cannot be generated fails before any systemctl call', async () => {
    const { sup, commands } = await setup();
    await expect(sup.start(['kuma-dp', 'run'], {})).rejects.toMatchObject({ code: 'systemd.user-missing' });
    expect(commands()).toEqual([]);
  });
});
