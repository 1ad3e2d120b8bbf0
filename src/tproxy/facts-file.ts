/**
 * `--facts FILE`: what kumactl would discover on the host (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3,
 * Config.Initialize, setup.go, dryRun), as YAML or JSON per
 * the HostFacts contract. Mistakes stop the command with the file, line and field, because a silently ignored
 * typo (`loopbackInterfce`) would produce rules for a different host than the one meant.
 */

import { KumaGitopsError } from '../errors.js';
import type { ResolvedHostFacts } from '../model/host-facts.js';
import { closest } from '../suggest.js';
import { parseYamlSource, type YamlSource } from '../yaml/yaml-source.js';
import { resolveHostFacts } from './rules/host-facts.js';
import { hostFactsSchema } from './rules/host-facts-schema.js';

const FIELDS = Object.keys(hostFactsSchema.shape);
const NESTED: Record<string, readonly string[]> = {
  modules: ['comment', 'conntrack', 'udp', 'owner', 'tcp', 'multiport'],
  tables: ['nat', 'raw', 'mangle'],
};
const CONTRACT = `keys (all optional): ${FIELDS.join(', ')}`;

/** Parses and validates a facts file; defaults fill what it leaves out. Throws KumaGitopsError `tproxy.facts`. */
export function parseFactsFile(file: string, text: string): ResolvedHostFacts {
  const { source, issues } = parseYamlSource({ path: file, text });
  if (!source) {
    const first = issues[0]!;
    throw factsError(file, first.line, undefined, `${first.message}; the facts file must be YAML or JSON`);
  }
  const data = source.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw factsError(file, 1, undefined, `expected a mapping with ${CONTRACT}`);
  }
  rejectUnknownKeys(source, data as Record<string, unknown>);
  const parsed = hostFactsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    throw factsError(file, source.lineOf(path), path.join('.'), issue.message);
  }
  return resolveHostFacts(parsed.data);
}

function rejectUnknownKeys(source: YamlSource, data: Record<string, unknown>): void {
  const check = (parent: string[], object: unknown, known: readonly string[]) => {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) return;
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      const path = [...parent, key];
      const guess = closest(key, known);
      throw factsError(
        source.file,
        source.lineOf(path),
        path.join('.'),
        `unknown field${guess ? ` (did you mean '${guess}'?)` : ''}; ${parent.length ? `${parent[0]} takes ${known.join(', ')}` : CONTRACT}`,
      );
    }
  };
  check([], data, FIELDS);
  for (const [field, known] of Object.entries(NESTED)) check([field], data[field], known);
}

function factsError(file: string, line: number | undefined, field: string | undefined, problem: string) {
  const where = line === undefined ? file : `${file}:${line}`;
  return new KumaGitopsError(
    'tproxy.facts',
    `facts file ${where}${field ? `, field '${field}'` : ''}: ${problem}. Fix the file (see 'kuma-gitops tproxy rules --help')`,
    { file, line, field },
  );
}
