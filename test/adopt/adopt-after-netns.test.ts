/**
 * After `adopt`, on real namespaces and both backends: the hand-started kuma-dp is left alone by a no-op apply and
 * replaced by exactly one of kuma-gitops's own when a change needs a restart; `--output json|yaml` prints and writes
 * nothing; and every refusal writes nothing: a host that breaks a repository check (SSH redirected), a host file that
 * exists, a host without kuma-dp, and rules edited by hand (named rule by rule).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { KUMA_DP_UID } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { GUIDE_CASE, HOST, handMade, IPV4_CASE } from '../support/e2e/hand-made.js';
import { processesWith } from '../support/world/processes.js';

const stepKindsOf = (json: string): string[] => JSON.parse(json).plan.steps.map((s: { kind: string }) => s.kind);

/** Both families' rules, without the save's timestamps and counters. */
const kumaRules = async (h: { save(f: 'ipv4' | 'ipv6'): Promise<string> }) =>
  (await Promise.all([h.save('ipv4'), h.save('ipv6')])).map((t) =>
    t.replace(/^#.*\n/gm, '').replace(/\[\d+:\d+\]/g, '[0:0]'),
  );

/** The hand-started kuma-dp: spelt the guide's way (`--dataplane-var` a word of its own). */
const hand = (h: { files: { dataplane: string } }) =>
  processesWith(h.files.dataplane).filter((p) => p.argv.includes('--dataplane-var') && p.argv[0] !== 'runuser');

await describeE2e('after adopting a host set up by hand', (_backend, fresh) => {
  it('after adopting: a no-op apply leaves the hand-started kuma-dp alone; a change replaces it by exactly one of ours', async () => {
    const h = await fresh();
    await handMade(h, GUIDE_CASE);
    const [before] = hand(h);
    expect((await h.cli('adopt', [], { host: HOST })).code).toBe(0);

    const noop = await h.cli('apply', ['--ready-timeout', '30', '--output', 'json'], { host: HOST });
    expect([noop.code, JSON.parse(noop.stdout).plan.steps], noop.stderr).toEqual([0, []]);
    expect(hand(h).map((p) => p.pid)).toContain(before!.pid);

    // A new var: kuma-dp must restart with it, so the hand-started one is stopped first.
    const file = join(h.repo, 'hosts', `${HOST}.yaml`);
    await writeFile(file, readFileSync(file, 'utf8').replace('service: web }', 'service: web, zone: z1 }'));
    // The plan names the outermost process, the runuser the hand-started kuma-dp runs under.
    const wrapper = processesWith(h.files.dataplane).find(
      (p) => p.argv[0] === 'runuser' && p.argv.includes('--dataplane-var'),
    );
    const planned = await h.cli('plan', [], { host: HOST });
    expect([planned.code, planned.stdout]).toEqual([
      2,
      expect.stringContaining(
        `it was started outside kuma-gitops (pid ${wrapper!.pid}): it is stopped, then kuma-gitops starts its own`,
      ),
    ]);
    const changed = await h.cli('apply', ['--ready-timeout', '30', '--output', 'json'], { host: HOST });
    expect([changed.code, stepKindsOf(changed.stdout)], changed.stderr).toEqual([
      0,
      ['start-kuma-dp', 'wait-ready', 'verify'],
    ]);
    expect(hand(h)).toEqual([]);
    const ours = processesWith(`--dataplane-file=${h.files.dataplane}`).filter((p) => p.argv[0] !== 'runuser');
    expect(ours.map((p) => [p.uid, p.argv.includes('--dataplane-var=zone=z1')])).toEqual([[KUMA_DP_UID, true]]);
    expect((await h.cli('plan', [], { host: HOST })).code).toBe(0);
  }, 180_000);

  it('a first change that never gets ready is rolled back to the hand-started command (its KUMA_* variables only)', async () => {
    const h = await fresh();
    // The hand-started kuma-dp runs in a shell's environment: another PATH, HOME, TERM.
    await handMade(h, { ...GUIDE_CASE, env: { HOME: '/root', TERM: 'xterm', PATH: `/root/bin:${process.env.PATH}` } });
    const handArgv = hand(h)[0]!.argv;
    expect((await h.cli('adopt', [], { host: HOST })).code).toBe(0);
    const rules = await kumaRules(h);

    const file = join(h.repo, 'hosts', `${HOST}.yaml`);
    const bad = readFileSync(file, 'utf8')
      .replace('service: web }', 'service: web, zone: bad }')
      .replace('env:\n', 'env:\n    KUMA_STANDIN_NEVER_READY_IF_VAR: zone=bad\n');
    await writeFile(file, bad);
    const r = await h.cli('apply', ['--ready-timeout', '4', '--output', 'json'], { host: HOST });
    expect([r.code, JSON.parse(r.stdout).status], r.stderr).toEqual([3, 'rolled-back']);
    // kuma-gitops now runs the hand-started command, ready; the rules never changed.
    const procs = processesWith(h.files.dataplane).filter((p) => p.argv[0] !== 'runuser');
    expect(procs.map((p) => p.argv)).toEqual([handArgv]);
    expect(await h.ready()).toMatchObject({ ok: true, status: 200 });
    expect(await kumaRules(h)).toEqual(rules);
  }, 180_000);

  it('--output json and yaml print the files and the empty plan, and write nothing', async () => {
    const h = await fresh();
    await handMade(h, IPV4_CASE);
    const json = await h.cli('adopt', ['--output', 'json'], { host: HOST });
    expect([json.code, json.stderr]).toEqual([0, '']);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({
      host: HOST,
      adopted: true,
      groups: ['ipv4-only'],
      backend: h.backend,
      plan: { steps: [] },
    });
    expect(Object.keys(out.files)).toEqual([`hosts/${HOST}.yaml`]);
    const yaml = await h.cli('adopt', ['--output', 'yaml'], { host: HOST });
    expect([yaml.code, yaml.stdout.split('\n')[0]]).toEqual([0, `# hosts/${HOST}.yaml`]);
    expect(yaml.stdout).toContain(out.files[`hosts/${HOST}.yaml`]);
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);

  it('refuses a host that redirects SSH into the mesh, with the repository’s check, and writes nothing', async () => {
    const h = await fresh();
    await handMade(h, { ...GUIDE_CASE, kumactl: ['--redirect-dns'] });
    const adopted = await h.cli('adopt', [], { host: HOST });
    expect(adopted.code).toBe(1);
    expect(adopted.stderr).toContain('the host as it runs breaks 1 check(s) of the repository');
    expect(adopted.stderr).toContain(`tproxy/${HOST}.yaml:4: safety.ssh-redirected`);
    expect(adopted.stderr).toContain(`--- tproxy/${HOST}.yaml (not written)\n`);
    expect(adopted.stderr).toContain('nothing was written');
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);

  it('refuses, writing nothing: a host file that exists already; a host without a running kuma-dp', async () => {
    const h = await fresh();
    const exists = await h.cli('adopt', [], { host: 'example-server' });
    expect([exists.code, exists.stderr]).toEqual([
      1,
      expect.stringContaining('hosts/example-server.yaml exists already'),
    ]);
    const none = await h.cli('adopt', [], { host: HOST });
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining(`no kuma-dp runs in namespace ${h.netns}`)]);
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);

  it('refuses a host whose rules were edited by hand, naming the rule, and writes nothing', async () => {
    const h = await fresh();
    await handMade(h, GUIDE_CASE);
    const edited = '-A KUMA_MESH_OUTBOUND -p tcp -m tcp --dport 9000 -j RETURN';
    await h.restore('ipv4', `*nat\n${edited}\nCOMMIT\n`);
    const adopted = await h.cli('adopt', [], { host: HOST });
    expect(adopted.code).toBe(1);
    expect(adopted.stderr).toContain(
      `ipv4 nat KUMA_MESH_OUTBOUND: no kumactl config of Kuma 2.14.3 writes \`${edited}\``,
    );
    expect(existsSync(join(h.repo, 'hosts', `${HOST}.yaml`))).toBe(false);
  }, 180_000);
});
