import { KumaGitopsError } from '../errors.js';
import type { KumaVersion } from '../versions.js';
import { defaultTproxyConfig } from './config-types.js';
import { formatTproxyConfigChangesYaml } from './format-config.js';
import { type KumactlConfig, loadKumactlConfig } from './kumactl-config.js';

export interface ImportOptions {
  /** Needed only when the invocation has `--config`/`--config-file`. */
  readSource?: (path: string) => string;
  stdin?: string;
  env?: Readonly<Record<string, string | undefined>>;
  version?: KumaVersion;
}

/**
 * `kuma-gitops tproxy import -- <kumactl flags>`: the tproxy config YAML equivalent to a `kumactl install
 * transparent-proxy` invocation, with only the keys that differ from kumactl's defaults. `dryRun` is left out:
 * it is a way of running kumactl, not configuration. Throws a KumaGitopsError listing kumactl's errors.
 */
export function importKumactlInvocation(argv: readonly string[], options: ImportOptions = {}): string {
  const loaded: KumactlConfig = loadKumactlConfig({
    argv,
    env: options.env ?? {},
    stdin: options.stdin,
    version: options.version,
    readSource:
      options.readSource ??
      ((path) => {
        throw new Error(`cannot read ${path} here: pass the file contents to import`);
      }),
  });
  if (loaded.errors.length > 0) {
    throw new KumaGitopsError(
      'tproxy.import.invalid',
      `kumactl would reject this invocation:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}`,
      { errors: loaded.errors },
    );
  }
  const config = { ...loaded.config, dryRun: defaultTproxyConfig().dryRun };
  return formatTproxyConfigChangesYaml(config);
}
