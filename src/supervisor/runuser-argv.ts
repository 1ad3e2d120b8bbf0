import { basename } from 'node:path';
import { KumaGitopsError } from '../errors.js';

/**
 * `runuser -u <user> -- <command...>` split into the user and the command: systemd sets the user itself (User=), so
 * a unit runs the command directly. Only the form kuma-gitops generates (and the guide shows) is accepted; other
 * runuser options change the environment or groups in ways a unit would not reproduce.
 */
export interface RunuserCommand {
  user: string;
  command: string[];
}

export function splitRunuser(argv: readonly string[], subject: string): RunuserCommand {
  const fail = (what: string) =>
    new KumaGitopsError(
      'systemd.runuser-unsupported',
      `${subject}: ${what}: the kuma-dp command must be \`runuser -u <kuma-dp user> -- <kuma-dp> run ...\``,
      { argv: [...argv] },
    );
  if (basename(argv[0] ?? '') !== 'runuser') {
    throw new KumaGitopsError(
      'systemd.user-missing',
      `${subject}: the kuma-dp command does not start with runuser, so the unit would run kuma-dp as root and the ` +
        'transparent proxy would redirect its own traffic: run it as `runuser -u <kuma-dp user> -- <kuma-dp> run ...`',
      { argv: [...argv] },
    );
  }
  let user: string | undefined;
  let i = 1;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-u' || arg === '--user') user = argv[++i];
    else if (arg.startsWith('--user=')) user = arg.slice('--user='.length);
    else if (/^-u./.test(arg)) user = arg.slice(2);
    else if (arg.startsWith('-')) throw fail(`runuser option ${arg} is not supported`);
    else break;
  }
  const command = argv.slice(i);
  if (user === undefined || user === '') throw fail('no user given with -u');
  if (command.length === 0) throw fail('no command after the user');
  return { user, command };
}
