/**
 * `npm run demo`: kuma-gitops on a sandbox host, end to end, as a short timeline. Two network namespaces on a veth
 * pair (a "host" running `python3 -m http.server 8080` as a service user, and a "peer"), the stand-in kuma-dp under
 * the process supervisor, real iptables. Twelve checks: plan, apply, traffic is redirected, drift is repaired, a bad
 * change is rolled back; then the agent following the repo over HTTP (a commit applied, a flush repaired at once
 * with the Alertmanager alert fired and resolved, a never-ready commit quarantined, an unsigned commit and a
 * force-push refused, a kill during an apply recovered); and nothing is left behind. Exit 0 only when all hold. Needs root and `npm run build`.
 * Cleans up on SIGINT/SIGTERM too; leftovers of a killed run are removed by the next one. The kuma-dp user (uid
 * 5678) is created by kuma-gitops itself, as on a real host, and is kept.
 */
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { HOST_NAME } from '../support/world/cli.js';
import { agentChecks } from './agent-steps.js';
import { findLeftovers } from './leftovers.js';
import { checkApply, checkBadChange, checkDrift, checkPlan, checkTraffic, demoHostDoc } from './steps.js';
import { createTimeline } from './timeline.js';

// Once interrupted, the checks still running fail as their processes are killed: that is noise, not news.
const write = (text: string) => void (stopping || process.stdout.write(text));
/** Five checks of the one-shot commands, six of the agent, and the cleanup. */
const CHECKS = 12;
let sandbox: Sandbox | undefined;
let creating: Promise<Sandbox> | undefined;
let stopping = false;

// One cleanup whatever the number of signals: Ctrl-C reaches npm, tsx and this process, and tsx relays it again.
async function interrupted(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\ndemo: ${signal}: cleaning up\n`);
  const sb = sandbox ?? (await creating?.catch(() => undefined));
  await sb?.cleanup();
  process.stdout.write(`demo: interrupted by ${signal}; cleaned up\n`);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}
process.on('SIGINT', (s) => void interrupted(s));
process.on('SIGTERM', (s) => void interrupted(s));

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    write('demo: needs root (network namespaces, iptables, users): run it with sudo\n');
    return 1;
  }
  creating = createSandbox({ name: 'demo' });
  const sb = await creating;
  sandbox = sb;
  const t = createTimeline(write, (text) => text.replaceAll(sb.dir, '$DIR'));
  try {
    sb.writeHostFile(demoHostDoc(sb));
    await sb.startService();
    write(
      `demo: sandbox ${sb.id}, host ${sb.hostNs} (${sb.hostAddress}), peer ${sb.peerNs} (${sb.peerAddress}), ` +
        `service user ${sb.serviceUser}\n` +
        `demo: DIR=${sb.dir}; ${HOST_NAME} runs python3 -m http.server 8080; kuma-dp is the stand-in, iptables ${sb.backend}\n`,
    );
    await t.check('plan: the guide steps for a fresh host', (c) => checkPlan(sb, c));
    await t.check('apply: the same steps, in that order, then verify', (c) => checkApply(sb, c));
    await t.check('traffic is redirected (inbound, outbound, DNS) except kuma-dp and port 22', (c) =>
      checkTraffic(sb, c),
    );
    await t.check('drift: Kuma chains flushed, plan shows the repair, apply repairs it', (c) => checkDrift(sb, c));
    await t.check(`bad change: kuma-dp never ready, apply rolls back`, (c) => checkBadChange(sb, c));
    await agentChecks(sb, t);
  } finally {
    await sb.cleanup();
  }
  await t.check('cleanup: no namespaces, processes, dirs or users left', async (c) => {
    const left = await findLeftovers(sb.id, sb.serviceUser);
    c.expect(left.length === 0, 'nothing left behind', left.join('; '));
    if (left.length === 0) c.say(`removed ${sb.hostNs}, ${sb.peerNs}, $DIR and user ${sb.serviceUser}`);
  });
  write(`demo: ${t.passed} of ${t.total} checks passed\n`);
  return t.passed === CHECKS && t.total === CHECKS ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error: Error) => {
    write(`demo: ${error.stack ?? error.message}\n`);
    await sandbox?.cleanup();
    process.exit(1);
  },
);
