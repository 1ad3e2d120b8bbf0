import { loadTproxyConfigSources } from './load-config.js';

/**
 * Two tproxy config files that kumactl and kuma-dp read as the same config (kumahq/kuma pkg/config/loader.go at
 * v2.14.3: YAML or JSON unmarshalled onto the defaults): spelling, order, comments and keys at their defaults do not
 * matter. A file with an error means nothing, so it equals nothing. A hand-written file that kuma-dp was given
 * (an adopted host) is in sync when it says what kuma-gitops would write.
 */
export function sameTproxyMeaning(a: string, b: string): boolean {
  if (a === b) return true;
  const x = meaning(a);
  return x !== undefined && x === meaning(b);
}

function meaning(text: string): string | undefined {
  const loaded = loadTproxyConfigSources([{ file: '-', text }]);
  return loaded.issues.some((i) => i.severity === 'error') ? undefined : JSON.stringify(loaded.config);
}
