/**
 * The demo's agent timeline: the sandbox's repo served by Debian's `git http-backend` on 127.0.0.1 with Basic auth,
 * and `kuma-gitops agent` following it for the sandbox host. A commit is applied within seconds; a commit whose
 * kuma-dp never becomes ready is rolled back and quarantined while the host keeps serving; an unsigned commit is
 * refused (verify.mode head with an SSH key made on the spot); a force-push is refused; an agent killed during an
 * apply recovers when it starts again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { followRepo } from '../support/agent-follow.js';
import { startAlertmanagerWithReceiver } from '../support/alertmanager.js';
import type { Sandbox } from '../support/sandbox.js';
import { yamlText } from '../support/world/host-yaml.js';
import { BAD_PORT, demoHostDoc } from './steps.js';
import type { Check, Timeline } from './timeline.js';

interface AgentState {
  lastGood?: { commit: string };
  quarantined: { commit: string; reason: string }[];
  refused?: { commit: string; code: string; reason: string };
}

const HOST_FILE = 'hosts/example-server.yaml';
const short = (c: string | undefined) => c?.slice(0, 12) ?? '-';

export async function agentChecks(sb: Sandbox, t: Timeline): Promise<void> {
  const f = await followRepo({ repo: sb.repo, dir: sb.dir, netns: sb.hostNs, stateDir: sb.stateDir });
  const state = (): AgentState => {
    try {
      return JSON.parse(readFileSync(join(sb.stateDir, 'agent', 'state.json'), 'utf8')) as AgentState;
    } catch {
      return { quarantined: [] };
    }
  };
  /** Waits (polling the state file) until `holds`, up to 90 s; the seconds it took. */
  const until = async (holds: (s: AgentState) => boolean): Promise<number> => {
    const start = performance.now();
    while (!holds(state())) {
      if (performance.now() - start > 90_000) throw new Error(`timed out; agent state: ${JSON.stringify(state())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return (performance.now() - start) / 1000;
  };
  const ready = async (c: Check) => {
    const r = await sb.probe('host', ['http', '127.0.0.1', '9902', '/ready']);
    c.expect(r.status === 200, 'kuma-dp answers ready', JSON.stringify(r));
    const inbound = await sb.probe('peer', ['tcp', sb.hostAddress, '8080']);
    c.expect(
      inbound.text?.startsWith('kuma-dp-standin port=15006') === true,
      'peer -> host:8080 still goes through kuma-dp',
      inbound.text,
    );
    c.say(`host keeps serving: GET /ready -> ${r.status}; peer -> host:8080 -> ${inbound.text?.trim()}`);
  };
  const good = () => demoHostDoc(sb);
  const withEnv = (value: string) => {
    const doc = good();
    doc.kumaDp.env.KUMA_DEMO_REVISION = value;
    return yamlText(doc);
  };
  // Debian's Alertmanager, when installed, on 127.0.0.1: the agent reports to it, and it notifies a receiver here.
  const alerting = existsSync(ALERTMANAGER) ? await startAlertmanagerWithReceiver(sb.dir) : undefined;
  const notes = alerting?.notes ?? [];
  const extra = alerting ? `alerts:\n  alertmanager: [${alerting.url}]\n  resendInterval: 1s\n` : '';
  f.writeConfig({ readyTimeout: '5s', extra });
  let agent = f.start();
  const restart = async (write: () => void) => {
    agent.child.kill('SIGTERM');
    await agent.done;
    write();
    agent = f.start();
  };
  try {
    await t.check('agent: follows the repo over HTTP (Basic auth); a commit is applied within seconds', async (c) => {
      c.say(`git http-backend on ${f.server.url}/mesh.git; agent polls every 1s, logs JSON lines on stdout`);
      await until((s) => s.lastGood !== undefined);
      const commit = f.commit({ [HOST_FILE]: withEnv('2') }, 'kuma-dp env KUMA_DEMO_REVISION=2');
      const seconds = await until((s) => s.lastGood?.commit === commit);
      c.expect(seconds < 30, `commit ${short(commit)} applied`, `${seconds.toFixed(1)} s`);
      c.say(`commit ${short(commit)} (kuma-dp environment changed) applied ${seconds.toFixed(1)} s after the push`);
      await ready(c);
    });

    await t.check(
      'agent: rules flushed by hand are repaired at once; Alertmanager fires and resolves the alert',
      async (c) => {
        const kumaRules = async () =>
          (await sb.save('ipv4')).split('\n').filter((l) => l.startsWith('-A KUMA_MESH_INBOUND ')).length;
        const full = await kumaRules();
        const flush = await sb.iptables('ipv4', ['-t', 'nat', '-F']);
        c.expect(flush.code === 0, 'iptables -t nat -F', flush.stderr);
        const start = performance.now();
        while ((await kumaRules()) !== full) {
          if (performance.now() - start > 30_000) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        const seconds = (performance.now() - start) / 1000;
        c.expect(seconds < 5, 'the Kuma rules are back', `${seconds.toFixed(2)} s`);
        c.say(
          `iptables -t nat -F by hand; the agent saw it (xtables-monitor) and put the rules back in ${seconds.toFixed(2)} s`,
        );
        await ready(c);
        if (!alerting) {
          c.say('Alertmanager is not installed (apt-get install prometheus-alertmanager): the alert part is skipped');
          return;
        }
        const seen = async (status: string) => {
          const until = performance.now() + 30_000;
          while (performance.now() < until) {
            if (notes.some((n) => n.labels.alertname === 'KumaGitopsDrift' && n.status === status)) return true;
            await new Promise((r) => setTimeout(r, 50));
          }
          return false;
        };
        c.expect(await seen('firing'), 'Alertmanager notified KumaGitopsDrift firing');
        c.expect(await seen('resolved'), 'Alertmanager notified KumaGitopsDrift resolved');
        const classes = [
          ...new Set(notes.filter((n) => n.labels.alertname === 'KumaGitopsDrift').map((n) => n.labels.class)),
        ];
        c.say(
          `Alertmanager (${alerting.url}) notified KumaGitopsDrift firing, then resolved, for: ${classes.join(', ')}`,
        );
      },
    );

    await t.check('agent: a commit whose kuma-dp never becomes ready is rolled back and quarantined', async (c) => {
      const bad = good();
      bad.dataplane.vars.port = BAD_PORT;
      bad.kumaDp.env.KUMA_DEMO_REVISION = '2';
      const commit = f.commit({ [HOST_FILE]: yamlText(bad) }, `port ${BAD_PORT}`);
      await until((s) => s.quarantined.some((q) => q.commit === commit));
      const q = state().quarantined.find((x) => x.commit === commit)!;
      c.say(`commit ${short(commit)} quarantined: ${q.reason.split('\n')[0]}`);
      c.expect(
        state().lastGood?.commit !== commit,
        'the host stays on the last good revision',
        short(state().lastGood?.commit),
      );
      await ready(c);
    });

    const key = join(sb.dir, 'etc', 'signer');
    await t.check('agent: with verify.mode head, an unsigned commit is refused', async (c) => {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@example.invalid', '-f', key]);
      const allowed = join(sb.dir, 'etc', 'allowed_signers');
      const pub = readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      writeFileSync(allowed, `ops@example.invalid ${pub}\n`, { mode: 0o644 });
      await restart(() =>
        f.writeConfig({
          readyTimeout: '5s',
          extra,
          verify: `verify:\n  mode: head\n  allowedSignersFile: ${allowed}\n`,
        }),
      );
      c.say('made an ed25519 key on the spot; allowed_signers names it for namespace git; agent restarted');
      const signed = f.commitSigned({ [HOST_FILE]: withEnv('3') }, 'signed: KUMA_DEMO_REVISION=3', key);
      await until((s) => s.lastGood?.commit === signed);
      c.say(`signed commit ${short(signed)} applied`);
      const unsigned = f.commit({ [HOST_FILE]: withEnv('4') }, 'unsigned: KUMA_DEMO_REVISION=4');
      await until((s) => s.refused?.commit === unsigned);
      c.expect(state().refused?.code === 'agent.unsigned', 'refused as unsigned', state().refused?.code);
      c.say(`unsigned commit ${short(unsigned)} refused: ${state().refused?.reason}`);
      c.expect(state().lastGood?.commit === signed, 'the host stays on the signed revision');
    });

    let rewritten = '';
    await t.check('agent: a force-push is refused until an operator accepts it', async (c) => {
      const base = state().lastGood!.commit;
      rewritten = f.forcePush(`${base}~1`, { [HOST_FILE]: withEnv('5') }, 'rewritten history', key);
      await until((s) => s.refused?.commit === rewritten);
      c.expect(state().refused?.code === 'agent.rewind', 'refused as a rewind', state().refused?.code);
      c.say(`force-pushed ${short(rewritten)}: ${state().refused?.reason}`);
    });

    await t.check('agent: killed during an apply, it recovers when it starts again', async (c) => {
      agent.child.kill('SIGTERM');
      await agent.done;
      const accept = await f.cli(['agent', 'accept', '--revision', rewritten]);
      c.cli('kuma-gitops agent accept', accept);
      const killed = await f.once({ KUMA_GITOPS_FAILPOINT: 'after:start-kuma-dp' });
      c.expect(
        killed.signal === 'SIGKILL',
        'the agent was killed right after starting the new kuma-dp',
        String(killed.signal),
      );
      c.say('agent --once killed by SIGKILL right after starting the new kuma-dp (journal left behind)');
      agent = f.start();
      const seconds = await until((s) => s.lastGood?.commit === rewritten);
      c.expect(agent.output().includes('recovered an interrupted apply'), 'the restarted agent recovered the journal');
      c.say(`restarted: journal recovered, ${short(rewritten)} applied ${seconds.toFixed(1)} s later`);
      await ready(c);
    });
  } finally {
    await f.close();
    await alerting?.close();
  }
}

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
