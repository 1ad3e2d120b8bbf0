import { KumaGitopsError, UsageError } from '../errors.js';
import { escapeControls, formatIssue } from '../issues.js';
import { formatHelp, parseArgs } from './args.js';
import type { Command, CommandIo } from './command.js';

/** Commands load lazily so `validate` does not pay for isomorphic-git's start-up, nor `diff` for what it skips. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  render: async () => (await import('./commands/render.js')).renderCommand,
  diff: async () => (await import('./commands/diff.js')).diffCommand,
  tproxy: async () => (await import('./commands/tproxy.js')).tproxyCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  apply: async () => (await import('./commands/apply.js')).applyCommand,
  adopt: async () => (await import('./commands/adopt.js')).adoptCommand,
  agent: async () => (await import('./commands/agent.js')).agentCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  comment: async () => (await import('./commands/comment.js')).commentCommand,
};

const SUMMARY = `kuma-gitops: run Kuma's transparent proxy on VMs and bare metal from git.

Usage: kuma-gitops <command> [flags]

Commands:
  validate   check a desired-state repo offline (exit 1 when invalid)
  render     show what one host will run: Dataplane, tproxy config, kuma-dp command
  diff       what a commit changes on every host, for pull-request review (exit 2 when it changes something)
  tproxy     kumactl's transparent-proxy rules: print them (rules), check a host's iptables-save (diff), import flags
  plan       read a host and show the steps to its desired state (exit 2 when there are some)
  apply      reconcile a host in the guide's safe order, rolling back when kuma-dp does not become ready
  adopt      describe a host set up by hand in the desired state, proven by an empty plan
  agent      follow a branch of the repository and keep this host on its last good revision
  status     the agent's view of this host (exit 2 when degraded)
  comment    put the review on a pull or merge request as one comment, kept up to date (CI jobs)

Run 'kuma-gitops <command> --help' for a command's flags.
`;

/**
 * Run the CLI; returns the exit code. Never throws. Everything it prints goes through escapeControls: text from a
 * repository (a host name, a var, a template line) may carry terminal escapes that would rewrite the operator's
 * screen; JSON output has them escaped already.
 */
export async function main(argv: readonly string[], rawIo: CommandIo): Promise<number> {
  const io: CommandIo = {
    ...rawIo,
    out: (text) => rawIo.out(escapeControls(text)),
    err: (text) => rawIo.err(escapeControls(text)),
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(SUMMARY);
    return name === undefined ? 1 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(
      `kuma-gitops: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. See 'kuma-gitops --help'.\n`,
    );
    return 1;
  }
  let command = await load();
  let words = rest;
  try {
    const sub = command.subcommands?.[rest[0] ?? ''];
    if (sub) [command, words] = [await sub(), rest.slice(1)];
    const args = parseArgs(command.spec, words);
    if (args.help) {
      io.out(formatHelp(command.spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    if (e instanceof KumaGitopsError) {
      io.err(`kuma-gitops ${name}: ${e.message} [${e.code}]\n`);
      const issues = (e.data.issues ?? []) as Parameters<typeof formatIssue>[0][];
      for (const issue of issues) io.err(`  ${formatIssue(issue)}\n`);
      return 1;
    }
    io.err(
      `kuma-gitops ${name}: internal error: ${(e as Error).stack ?? String(e)}\nPlease report this with the command you ran.\n`,
    );
    return 1;
  }
}
