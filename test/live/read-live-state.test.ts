/**
 * readLive composes every read for one HostTarget, in a real namespace: rules of the chosen backend, facts,
 * the supervised process and its readiness inside the namespace, files and the token.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findTable } from '../../src/iptables/model.js';
import { IptablesNoneError } from '../../src/live/live-errors.js';
import { readLive } from '../../src/live/read-live-state.js';
import type { HostTarget } from '../../src/model/host-target.js';
import { CommandNotFoundError } from '../../src/system/command-errors.js';
import type { CommandRunner } from '../../src/system/command-runner.js';
import { createCommandRunner } from '../../src/system/execa-runner.js';
import { describeWithNetns } from '../support/netns.js';
import {
  FOREIGN_RULES,
  KUMA_RULES,
  removeTempDirs,
  restore,
  startReadyServer,
  stopReadyServers,
  tempDir,
} from './live-support.js';

afterAll(removeTempDirs);

async function target(port: number): Promise<HostTarget> {
  const dir = await tempDir('state');
  await chmod(dir, 0o755);
  await writeFile(join(dir, 'dataplane.yaml'), 'type: Dataplane\n', { mode: 0o644 });
  await writeFile(join(dir, 'token'), 'never read', { mode: 0o600 });
  const file = (purpose: 'dataplane-template' | 'tproxy-config', name: string) => ({
    purpose,
    path: join(dir, name),
    content: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
  });
  return {
    host: 'h1',
    revision: 'r1',
    kumaDpUser: { name: 'nobody', uid: 65534 },
    files: [file('dataplane-template', 'dataplane.yaml'), file('tproxy-config', 'tproxy.yaml')],
    kumaDp: {
      argv: ['runuser', '-u', 'nobody', '--', 'kuma-dp', 'run'],
      env: {},
      readiness: { address: '127.0.0.1', port },
      tokenFile: join(dir, 'token'),
    },
    access: [{ purpose: 'dataplane token file', path: join(dir, 'token'), access: 'read', presence: 'required' }],
    rules: { expected: {}, restore: {}, wait: 5, waitIntervalUs: 0 },
  };
}

describe('readLive without iptables', () => {
  it('is iptables.none before anything else is reported', async () => {
    const runner: CommandRunner = {
      netns: undefined,
      run: async (argv) => {
        if (argv[0]?.includes('tables')) throw new CommandNotFoundError(argv, undefined);
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    await expect(readLive(runner, await target(9902), undefined)).rejects.toBeInstanceOf(IptablesNoneError);
  });
});

await describeWithNetns('readLive in a real namespace', ['iptables-nft', 'ip6tables-nft'], (fresh) => {
  afterEach(stopReadyServers);

  it('reads rules, facts, a ready kuma-dp stand-in, files and the token in one call', async () => {
    const ns = await fresh();
    await ns.exec('ip', ['link', 'set', 'lo', 'up']);
    await restore(ns, 'iptables-nft-restore', FOREIGN_RULES);
    await restore(ns, 'iptables-nft-restore', KUMA_RULES);
    const server = await startReadyServer(ns, '127.0.0.1', '200');
    const t = await target(server.port);
    const runner = createCommandRunner({ netns: ns.name });

    const live = await readLive(runner, t, server.pid);
    const { state } = live;
    expect(state.rules.backend).toBe('nft');
    expect(findTable(state.rules.families.ipv4!, 'nat')!.chains.map((c) => c.name)).toContain('KUMA_MESH_OUTBOUND');
    expect(state.facts).toMatchObject({ loopbackInterface: 'lo', executables: true, ipv6: false });
    expect(state.facts.users.nobody).toBe(65534);
    expect(live.readiness).toEqual({ ready: true, status: 200 });
    expect(state.kumaDp).toMatchObject({ pid: server.pid, uid: 0, ready: true });
    expect(state.kumaDp?.argv.slice(0, 2)).toEqual([process.execPath, '-e']);
    expect(state.files).toEqual({
      [t.files[0]!.path]: { content: 'type: Dataplane\n', mode: 0o644, uid: 0, gid: 0 },
      [t.files[1]!.path]: undefined,
    });
    expect(state.access).toEqual([
      {
        ...t.access[0],
        state: 'blocked',
        blocker: { path: t.kumaDp.tokenFile, kind: 'file', mode: 0o600, uid: 0, gid: 0 },
      },
    ]);
    expect(live.users.findUser('root')?.uid).toBe(0);

    // The backend (and user database) of a previous read can be reused, and the result is the same. The users are
    // passed too: other test files add and remove users meanwhile, and /etc/passwd would differ between two reads.
    const again = await readLive(runner, t, server.pid, { backend: live.backend, users: live.users });
    expect(again.state).toEqual(state);
  });

  it('no pid, or a pid that is gone: kuma-dp is not running', async () => {
    const ns = await fresh();
    const server = await startReadyServer(ns, '127.0.0.1', '503');
    const t = await target(server.port);
    const runner = createCommandRunner({ netns: ns.name });
    expect((await readLive(runner, t, undefined)).state.kumaDp).toBeUndefined();
    const live = await readLive(runner, t, server.pid);
    expect(live.state.kumaDp?.ready).toBe(false);
    await server.stop();
    expect((await readLive(runner, t, server.pid)).state.kumaDp).toBeUndefined();
  });
});
