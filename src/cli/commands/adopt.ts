import { chownSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Adoption, adoptHost } from '../../adopt/adopt-host.js';
import { KumaGitopsError } from '../../errors.js';
import type { Issue } from '../../issues.js';
import type { Command } from '../command.js';
import { formatPlanText } from '../format-plan.js';
import { HOST_FLAGS, hostArgs } from './host-flags.js';

/**
 * `adopt`: bring a host set up by hand (the guide's way) into the repository, with a plan that is empty. Reads the
 * host only; the repository files are written (or printed) only when the plan for them is empty.
 */
export const adoptCommand: Command = {
  spec: {
    name: 'adopt',
    summary: 'Describe a host set up by hand in the desired state, proven by an empty plan. Reads the host only.',
    usage: 'kuma-gitops adopt --repo DIR --host H [--netns NS] [--output files|yaml|json]',
    details: `Reads the running kuma-dp (command line, KUMA_* environment, user and uid), the Dataplane template it
was started with, its tproxy config file if it was given one, and the live Kuma rules of both families; finds the
kumactl config that gives exactly those rules (tproxy infer) and the Kuma version (\`kuma-dp version\`, else the
rules' shape). Writes hosts/H.yaml on top of the fleet and the group that leave it shortest, plus a template or a
tproxy layer only when no existing one gives the same result. Then plans the host against those files: the plan
must be empty, or nothing is written. Exit 0: written (or printed). Exit 1: not possible (the reason, the rules no
config explains, or the remaining plan). The token file is named by its path, never read.
--output files (default) writes into --repo; yaml prints the files; json prints them with the plan.`,
    flags: {
      ...HOST_FLAGS,
      output: {
        kind: 'string',
        choices: ['files', 'yaml', 'json'],
        default: 'files',
        value: 'FORMAT',
        help: 'files: write into --repo; yaml or json: print',
      },
    },
  },
  async run(args, io) {
    const repo = args.strings.repo!;
    const a = await adoptHost(hostArgs(args, 'adopt'));
    const output = args.strings.output;
    const { plan, issues, files } = a.choice;
    const ok = plan !== undefined && plan.steps.length === 0;
    if (output === 'json') {
      io.out(`${JSON.stringify(adoptionJson(a, ok), null, 2)}\n`);
      return ok ? 0 : 1;
    }
    if (!ok) {
      const exact = a.exact?.issues.length ? a.exact : undefined;
      const broken = exact?.issues ?? (plan ? [] : issues);
      // The lines named are in files adopt did not write: show them.
      const shown = [...(exact ?? a.choice).files].map(([path, text]) => `--- ${path} (not written)\n${text}`).join('');
      const why =
        broken.length > 0
          ? `the host as it runs breaks ${broken.length} check(s) of the repository:\n${broken.map(formatIssueLine).join('\n')}\n${shown}`
          : `the plan for the closest description is not empty:\n${formatPlanText(plan!)}`;
      io.err(`kuma-gitops: adopt ${a.host}: ${why}nothing was written\n`);
      return 1;
    }
    if (output === 'yaml') {
      for (const [path, text] of files) io.out(`# ${path}\n${text}---\n`);
      return 0;
    }
    writeRepoFiles(repo, files);
    const summary = [...files].map(([path, text]) => `  ${path} (${text.split('\n').length - 1} lines)`).join('\n');
    io.out(
      `adopted ${a.host}: Kuma ${a.kumaVersion.version} (${a.kumaVersion.from}), kuma-dp pid ${a.kumaDpPid}, iptables ${a.backend}; plan is empty\nwrote:\n${summary}\n`,
    );
    return 0;
  },
};

const formatIssueLine = (i: Issue) =>
  `  ${i.file}${i.line ? `:${i.line}` : ''}: ${i.code}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`;

function adoptionJson(a: Adoption, ok: boolean) {
  return {
    host: a.host,
    adopted: ok,
    kumaVersion: a.kumaVersion,
    backend: a.backend,
    kumaDpPid: a.kumaDpPid,
    groups: a.choice.candidate.groups,
    files: Object.fromEntries(a.choice.files),
    plan: a.choice.plan ?? null,
    issues: a.choice.issues,
    exactIssues: a.exact?.issues ?? [],
    candidatesTried: a.tried,
  };
}

/** New files only (adoptHost refused an existing host file); owned like the repository's root, not by root. */
function writeRepoFiles(repo: string, files: Map<string, string>): void {
  const owner = statSync(repo);
  for (const path of files.keys()) {
    if (existsSync(join(repo, path))) {
      throw new KumaGitopsError(
        'adopt.file-exists',
        `${join(repo, path)} exists already: move it away and run adopt again; nothing was written`,
        { path },
      );
    }
  }
  for (const [path, text] of files) {
    const full = join(repo, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text, { flag: 'wx', mode: 0o644 });
    chownSync(full, owner.uid, owner.gid);
  }
}
