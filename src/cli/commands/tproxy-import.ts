import { KumaGitopsError } from '../../errors.js';
import { importKumactlInvocation } from '../../tproxy/import-config.js';
import { formatKumactlStderr } from '../../tproxy/kumactl-config.js';
import { DEFAULT_KUMA_VERSION } from '../../versions.js';
import type { Command } from '../command.js';
import { parseSupportedVersion, readsStdin, readText, tproxyEnv } from './tproxy-inputs.js';
import { stdinReader } from './tproxy-stdin.js';

export const tproxyImportCommand: Command = {
  spec: {
    name: 'tproxy import',
    summary: 'Print the tproxy config YAML equivalent to a `kumactl install transparent-proxy` command line.',
    usage: 'kuma-gitops tproxy import [--kuma-version V] -- <kumactl install transparent-proxy flags>',
    details: `Only keys that differ from kumactl's defaults are printed; --dry-run is left out (it is how kumactl runs,
not configuration). --config/--config-file files named in the flags are read, - from stdin, and
KUMA_TRANSPARENT_PROXY_* variables of this environment apply as kumactl of that version applies them.
Exit 0: printed. Exit 1: kumactl would reject the command line (its message is on stderr).`,
    passthrough: true,
    flags: {
      'kuma-version': {
        kind: 'string',
        value: 'V',
        default: DEFAULT_KUMA_VERSION,
        help: 'Kuma version whose kumactl flags are parsed, 2.9 to 2.14',
      },
    },
  },
  async run(args, io) {
    const version = parseSupportedVersion(args.strings['kuma-version']!);
    const stdin = readsStdin(args.rest) ? await stdinReader(io).read('--config -') : undefined;
    try {
      const yaml = importKumactlInvocation(args.rest, {
        version,
        env: tproxyEnv(),
        stdin,
        readSource: (path) => readText(path),
      });
      io.out(yaml.endsWith('\n') ? yaml : `${yaml}\n`);
      return 0;
    } catch (e) {
      if (!(e instanceof KumaGitopsError) || e.code !== 'tproxy.import.invalid') throw e;
      // The same stderr as kumactl itself: its first error, once.
      io.err(formatKumactlStderr(e.data.errors as string[]));
      return 1;
    }
  },
};
