import type { Issue } from '../issues.js';
import { checkTproxyConfigSources } from '../tproxy/check-config.js';
import type { TproxyConfig } from '../tproxy/config-types.js';
import { formatTproxyConfigYaml } from '../tproxy/format-config.js';
import type { TproxyLocator } from '../validate/safety-inputs.js';
import { hasPath, parseYamlSource, type SourceFile, type YamlSource } from '../yaml/yaml-source.js';

/** A host's effective tproxy config, loaded from its layers with kumactl's semantics, and where each key was set. */
export interface LoadedTproxy {
  config: TproxyConfig;
  yaml: string;
  issues: Issue[];
  locate: TproxyLocator;
}

/**
 * Most hosts share the same few layer combinations (fleet + a group), so loading is cached by the list of files.
 * Issues are per file and therefore shared too.
 */
export function tproxyLoader(
  files: ReadonlyMap<string, SourceFile>,
): (paths: readonly string[], fallbackFile: string) => LoadedTproxy {
  const cache = new Map<string, LoadedTproxy>();
  const parsed = new Map<string, YamlSource | undefined>();
  const source = (path: string) => {
    if (!parsed.has(path)) {
      const file = files.get(path);
      parsed.set(path, file ? parseYamlSource(file, '1.1').source : undefined);
    }
    return parsed.get(path);
  };
  return (paths, fallbackFile) => {
    // The fallback file only matters when no layer exists; keep shared layer combinations in one cache entry.
    const key = paths.length > 0 ? paths.join('\0') : `\0${fallbackFile}`;
    let hit = cache.get(key);
    if (!hit) {
      const sources = paths.flatMap((p) => (files.has(p) ? [files.get(p)!] : []));
      const { config, issues } = checkTproxyConfigSources(sources.map((s) => ({ file: s.path, text: s.text })));
      const locate: TproxyLocator = (keyPath) => {
        for (const p of [...paths].reverse()) {
          const src = source(p);
          if (src && hasPath(src.data, keyPath)) return { file: p, line: src.lineOf(keyPath) };
        }
        return { file: paths.at(-1) ?? fallbackFile };
      };
      hit = { config, yaml: formatTproxyConfigYaml(config), issues, locate };
      cache.set(key, hit);
    }
    return hit;
  };
}
