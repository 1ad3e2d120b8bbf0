import type { Issue } from '../issues.js';
import type { TproxyConfig } from './config-types.js';
import { lintTproxyConfig } from './lint-config.js';
import { type LoadedTproxyConfig, loadTproxyConfigSources, type TproxyConfigSource } from './load-config.js';

/** Drops repeated issues: the loader and the linter both report key spellings and UIDs above 65535. */
export function dedupeIssues(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify([i.severity, i.code, i.file, i.line, i.path, i.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Load the sources as kumactl does and lint the result: every issue once. */
export function checkTproxyConfigSources(
  sources: readonly TproxyConfigSource[],
  base?: TproxyConfig,
): LoadedTproxyConfig {
  const loaded = loadTproxyConfigSources(sources, base);
  return {
    config: loaded.config,
    issues: dedupeIssues([...loaded.issues, ...lintTproxyConfig(loaded.config, sources)]),
  };
}
