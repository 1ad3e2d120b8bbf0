import { beforeAll, describe, expect, it } from 'vitest';
import { formatSave } from '../../src/iptables/format-save.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import type { HostTarget } from '../../src/model/host-target.js';
import type { LiveState } from '../../src/model/live-state.js';
import { planHost } from '../../src/reconcile/plan-host.js';
import { checkPreconditions } from '../../src/reconcile/preconditions.js';
import { liveInSync, sampleTarget } from '../support/targets.js';

let target: HostTarget;
beforeAll(async () => {
  target = await sampleTarget('example-server');
});
const kinds = (live: LiveState, t = target) => planHost(t, live).steps.map((s) => s.kind);

describe('planHost: the guide order, minimal steps', () => {
  it('plans nothing when the host is in sync', () => {
    expect(planHost(target, liveInSync(target)).steps).toEqual([]);
  });

  it('plans the whole guide on a fresh host: user, files, kuma-dp, ready, rules, verify', () => {
    const live = liveInSync(target);
    const fresh: LiveState = {
      ...live,
      facts: { ...live.facts, users: { root: 0 } },
      rules: { backend: 'nft', families: { ipv4: { tables: [] }, ipv6: { tables: [] } } },
      nft: { ruleset: { tables: [] } },
      kumaDp: undefined,
      files: {},
    };
    const plan = planHost(target, fresh);
    expect(plan.steps.map((s) => s.kind)).toEqual([
      'create-user',
      'write-file',
      'write-file',
      'start-kuma-dp',
      'wait-ready',
      'apply-rules',
      'verify',
    ]);
    expect(plan.steps.find((s) => s.kind === 'apply-rules')).toMatchObject({ families: ['ipv4', 'ipv6'] });
    for (const s of plan.steps) expect(s.reason).not.toBe('');
  });

  it.each([
    [
      'a rules change alone never restarts kuma-dp',
      (l: LiveState) => ({ ...l, rules: { ...l.rules, families: { ...l.rules.families, ipv6: { tables: [] } } } }),
      ['wait-ready', 'apply-rules', 'verify'],
    ],
    [
      'a kuma-dp argv change alone never touches rules',
      (l: LiveState) => ({
        ...l,
        kumaDp: { ...l.kumaDp!, argv: [...l.kumaDp!.argv.slice(0, -1), '--dataplane-var=port=9090'] },
      }),
      ['start-kuma-dp', 'wait-ready', 'verify'],
    ],
    [
      'a stray KUMA_ env var restarts kuma-dp',
      (l: LiveState) => ({ ...l, kumaDp: { ...l.kumaDp!, env: { ...l.kumaDp!.env, KUMA_DNS_ENABLED: 'false' } } }),
      ['start-kuma-dp', 'wait-ready', 'verify'],
    ],
    [
      'a changed template is written and kuma-dp restarted to read it',
      (l: LiveState) => ({
        ...l,
        files: { ...l.files, [target.files[0]!.path]: { ...l.files[target.files[0]!.path]!, content: 'old' } },
      }),
      ['write-file', 'start-kuma-dp', 'wait-ready', 'verify'],
    ],
    [
      'a wrong mode only rewrites the file, no restart',
      (l: LiveState) => ({
        ...l,
        files: { ...l.files, [target.files[0]!.path]: { ...l.files[target.files[0]!.path]!, mode: 0o600 } },
      }),
      ['write-file', 'verify'],
    ],
    [
      'kuma-dp not running: start it, then nothing else',
      (l: LiveState) => ({ ...l, kumaDp: undefined }),
      ['start-kuma-dp', 'wait-ready', 'verify'],
    ],
    [
      'running but not ready: wait, do not restart',
      (l: LiveState) => ({ ...l, kumaDp: { ...l.kumaDp!, ready: false } }),
      ['wait-ready'],
    ],
  ])('%s', (_name, mutate, want) => {
    expect(kinds(mutate(liveInSync(target)))).toEqual(want);
  });

  it('removes Kuma rules of a family that must have none (IPv4-only host)', async () => {
    const v4only = await sampleTarget('legacy-batch-1');
    expect(v4only.rules.expected.ipv6).toBeUndefined();
    const live = liveInSync(v4only);
    const withStaleV6 = {
      ...live,
      rules: { ...live.rules, families: { ...live.rules.families, ipv6: target.rules.expected.ipv6! } },
    };
    expect(planHost(v4only, withStaleV6).steps.find((s) => s.kind === 'apply-rules')).toMatchObject({
      families: ['ipv6'],
    });
  });

  it('restarts kuma-dp for a tproxy config change when kuma-dp reads it (--transparent-proxy-config, 2.11+)', async () => {
    const passes = await sampleTarget('payments-1');
    const tproxy = passes.files.find((f) => f.purpose === 'tproxy-config')!;
    expect(passes.kumaDp.argv).toContain(`--transparent-proxy-config=${tproxy.path}`);
    const live = liveInSync(passes);
    const changed = {
      ...live,
      files: { ...live.files, [tproxy.path]: { ...live.files[tproxy.path]!, content: 'old' } },
    };
    expect(planHost(passes, changed).steps.map((s) => s.kind)).toEqual([
      'write-file',
      'start-kuma-dp',
      'wait-ready',
      'verify',
    ]);
  });

  it('a tproxy config kuma-dp reads, written by hand with the same meaning, is in sync: no write, no restart', async () => {
    const passes = await sampleTarget('payments-1');
    const tproxy = passes.files.find((f) => f.purpose === 'tproxy-config')!;
    const live = liveInSync(passes);
    const byHand = `# by hand\n${tproxy.content}ipFamilyMode: dualstack\n`;
    const same = { ...live, files: { ...live.files, [tproxy.path]: { ...live.files[tproxy.path]!, content: byHand } } };
    expect(planHost(passes, same).steps).toEqual([]);
  });

  it('a kuma-dp started by hand with another command line: the restart says it stops that process', () => {
    const live = liveInSync(target);
    const hand: LiveState = { ...live, kumaDp: { ...live.kumaDp!, pid: 4242, argv: ['kuma-dp', 'run'], byHand: true } };
    expect(planHost(target, hand).steps[0]).toMatchObject({
      kind: 'start-kuma-dp',
      restart: true,
      reason:
        'its command line changed; it was started outside kuma-gitops (pid 4242): it is stopped, then kuma-gitops starts its own',
    });
  });
});

/** The live state with one of kuma-dp's paths in another state. */
const withAccess = (l: LiveState, purpose: string, change: Partial<LiveState['access'][number]>): LiveState => ({
  ...l,
  access: l.access.map((a) => (a.purpose === purpose ? { ...a, ...change } : a)),
});

describe('checkPreconditions: refusals before anything changes', () => {
  it.each([
    [
      'uid taken by another user',
      (l: LiveState) => ({ ...l, facts: { ...l.facts, users: { root: 0, postgres: 5678 } } }),
      'uid 5678 is already taken by user postgres',
    ],
    [
      'user exists with another uid',
      (l: LiveState) => ({ ...l, facts: { ...l.facts, users: { root: 0, 'kuma-dp': 999 } } }),
      'user kuma-dp exists with uid 999',
    ],
    [
      'missing token file',
      (l: LiveState) => withAccess(l, 'dataplane token file', { state: 'missing' }),
      'dataplane token file /kuma/example-server-token does not exist: put the token there',
    ],
    [
      'token unreadable by kuma-dp',
      (l: LiveState) =>
        withAccess(l, 'dataplane token file', {
          state: 'blocked',
          blocker: { path: '/kuma/example-server-token', kind: 'file', mode: 0o600, uid: 0, gid: 0 },
        }),
      'dataplane token file /kuma/example-server-token cannot be read by user kuma-dp (uid 5678): the file is ' +
        'mode 0600, owner uid 0, group gid 0: chown or chmod it so that kuma-dp can read it',
    ],
    [
      'kuma-dp binary under a folder kuma-dp cannot enter',
      (l: LiveState) =>
        withAccess(l, 'kuma-dp binary', {
          state: 'blocked',
          blocker: { path: '/root', kind: 'folder', mode: 0o700, uid: 0, gid: 0 },
        }),
      'kuma-dp binary /usr/local/bin/kuma-dp cannot be executed by user kuma-dp (uid 5678): folder /root ' +
        '(mode 0700, owner uid 0, group gid 0) does not let it in',
    ],
    [
      'missing kuma-dp binary',
      (l: LiveState) => withAccess(l, 'kuma-dp binary', { state: 'missing' }),
      'kuma-dp binary /usr/local/bin/kuma-dp does not exist: install it there',
    ],
  ])('%s', (_name, mutate, message) => {
    expect(checkPreconditions(target, mutate(liveInSync(target))).join('\n')).toContain(message);
  });

  it('accepts a ready host', () => expect(checkPreconditions(target, liveInSync(target))).toEqual([]));

  it('refuses to remove a chain of ours that another tool’s rule jumps to, naming the rule; a refill is fine', () => {
    const live = liveInSync(target);
    // Declarations go after `*nat`, rules before its COMMIT.
    const withForeign = (extra: string[]) => {
      const [decls, rules] = [extra.filter((l) => l.startsWith(':')), extra.filter((l) => l.startsWith('-A'))];
      const text = formatSave(live.rules.families.ipv4!)
        .replace('*nat\n', `*nat\n${decls.map((l) => `${l}\n`).join('')}`)
        .replace(/(\*nat\n[^*]*?)COMMIT/, `$1${rules.map((l) => `${l}\n`).join('')}COMMIT`);
      const ipv4 = parseSave(text);
      return { ...live, rules: { ...live.rules, families: { ...live.rules.families, ipv4 } } };
    };
    // A chain of ours the target no longer has (an older revision's), used by another tool's chain.
    const blocked = withForeign([':KUMA_MESH_OLD - [0:0]', ':MYTOOL - [0:0]', '-A MYTOOL -p tcp -j KUMA_MESH_OLD']);
    expect(checkPreconditions(target, blocked)).toEqual([
      'table nat: chain KUMA_MESH_OLD is to be removed, but another tool\'s rule "-A MYTOOL -p tcp -j KUMA_MESH_OLD" ' +
        "jumps to it; kuma-gitops does not change other tools' rules: remove that rule " +
        '(iptables -t nat -D MYTOOL -p tcp -j KUMA_MESH_OLD), then apply again',
    ]);
    // The same jump into a chain the target keeps is no problem: the chain is refilled, never removed.
    const kept = withForeign([':MYTOOL - [0:0]', '-A MYTOOL -p tcp -j KUMA_MESH_OUTBOUND']);
    expect(checkPreconditions(target, kept)).toEqual([]);
  });
});
