import type { HostPolicy } from '../../validate/host-policy.js';
import type { FlagSpec, ParsedArgs } from '../args.js';
import { POLICY_FLAGS, policyFromArgs } from './policy-flags.js';

/** Flags shared by `plan` and `apply`: which host, where its network lives, where the reconciler keeps state. */
export const HOST_FLAGS: Record<string, FlagSpec> = {
  repo: { kind: 'string', required: true, value: 'DIR', help: 'desired-state repo (working tree)' },
  host: { kind: 'string', required: true, value: 'H', help: 'the host to reconcile (hosts/H.yaml)' },
  netns: {
    kind: 'string',
    value: 'NS',
    help: 'run network commands inside this network namespace (tests and the demo); default: the host itself',
  },
  'state-dir': {
    kind: 'string',
    default: '/var/lib/kuma-gitops',
    value: 'D',
    help: 'lock, journal, status, kuma-dp pidfile and log',
  },
  supervisor: {
    kind: 'string',
    choices: ['process', 'systemd'],
    default: 'process',
    value: 'KIND',
    help: 'how kuma-dp runs: process (started detached by kuma-gitops) or systemd (a unit per host)',
  },
  output: { kind: 'string', choices: ['text', 'json'], default: 'text', value: 'FORMAT', help: 'text or json' },
  ...POLICY_FLAGS,
};

/** What HOST_FLAGS say, for plan, apply and adopt: the host, its repository, namespace, state and policy. */
export function hostArgs(
  args: ParsedArgs,
  command: string,
): {
  repo: string;
  host: string;
  netns: string | undefined;
  stateDir: string;
  supervisor: 'process' | 'systemd';
  policy: HostPolicy;
} {
  return {
    repo: args.strings.repo!,
    host: args.strings.host!,
    netns: args.strings.netns,
    stateDir: args.strings['state-dir']!,
    supervisor: args.strings.supervisor as 'process' | 'systemd',
    policy: policyFromArgs(args, command),
  };
}
