import type { FlagSpec } from '../args.js';
import { POLICY_FLAGS } from './policy-flags.js';

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
