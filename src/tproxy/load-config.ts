import { error, type Issue, warning } from '../issues.js';
import { defaultTproxyConfig, type TproxyConfig } from './config-types.js';
import { mergeGoTree } from './go-json-merge.js';
import { type GoNode, parseGoYaml } from './yaml-go-tree.js';

/** One tproxy config source as kumactl reads it: a file path (or `-` for stdin) and its text. */
export interface TproxyConfigSource {
  file: string;
  text: string;
}

export interface LoadedTproxyConfig {
  config: TproxyConfig;
  issues: Issue[];
}

export const cloneTproxyConfig = (c: TproxyConfig): TproxyConfig => structuredClone(c);

/** Parse one source into the value tree kumactl unmarshals, reporting YAML problems as issues. */
export function parseTproxySource(source: TproxyConfigSource): { root: GoNode | undefined; issues: Issue[] } {
  const tree = parseGoYaml(source.text);
  const issues = tree.problems.map((p) =>
    p.kind === 'syntax'
      ? error({
          code: 'tproxy.yaml.syntax',
          file: source.file,
          line: p.line,
          message: p.message,
          hint: 'fix the YAML/JSON syntax; kumactl refuses the whole file',
        })
      : warning({
          code: 'tproxy.yaml.ignored-document',
          file: source.file,
          line: p.line,
          message: p.message,
          hint: 'put the whole tproxy config in one YAML document',
        }),
  );
  return { root: tree.root, issues };
}

/**
 * Apply config sources in order on top of `base` (kumactl's defaults unless given), like `kumactl install
 * transparent-proxy --config a --config b` (kumahq/kuma app/kumactl/cmd/install/install_transparent_proxy.go@v2.14.3
 * and pkg/config/loader.go). Each source is YAML or JSON and is unmarshalled
 * onto the result so far. Env vars and flags are not applied here (see kumactl-config.ts). `captureAll` does
 * not force `dns.enabled` here either: kumactl does that after its flag pass, and kuma-dp overrides both.
 */
export function loadTproxyConfigSources(
  sources: readonly TproxyConfigSource[],
  base: TproxyConfig = defaultTproxyConfig(),
): LoadedTproxyConfig {
  const config = cloneTproxyConfig(base);
  const issues: Issue[] = [];
  for (const source of sources) {
    const { root, issues: parseIssues } = parseTproxySource(source);
    issues.push(...parseIssues);
    if (root) issues.push(...mergeGoTree(config, root, source.file));
  }
  return { config, issues };
}
