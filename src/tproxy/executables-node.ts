import { cleanPath, isExecutableName, unsupportedExecutableMessage } from './executables.js';
import type { LeafResult } from './field-decoders.js';
import type { GoNode } from './yaml-go-tree.js';
import { scalarAsGoString } from './yaml11-scalars.js';

/**
 * `iptablesExecutables` from a file: merged key by key onto what earlier sources set (kumahq/kuma
 * pkg/transparentproxy/config/config.go@v2.14.3 and utils.go). We model
 * it as a Go map of name to path, so `null` clears it and null values empty one name; unknown names are errors
 * like in the CLI/env form, and paths are cleaned like there (all inferred: the reference describes only the
 * CLI/env parsing and the key-by-key merge).
 */
export function decodeExecutablesNode(node: GoNode, current: Record<string, string>, hint: string): LeafResult {
  if (node.kind === 'null') return { set: true, value: {}, problems: [] };
  if (node.kind !== 'map') {
    return {
      set: false,
      problems: [
        {
          severity: 'error',
          code: 'tproxy.type',
          message: 'expected a mapping of executable names to paths',
          hint,
          line: node.line,
        },
      ],
    };
  }
  const value: Record<string, string> = { ...current };
  const problems: LeafResult['problems'] = [];
  for (const entry of node.entries) {
    if (!isExecutableName(entry.key)) {
      problems.push({
        severity: 'error',
        code: 'tproxy.executables.name',
        message: unsupportedExecutableMessage(entry.key),
        hint,
        line: entry.line,
        suffix: `.${entry.key}`,
      });
      continue;
    }
    const v = entry.value;
    const path = v.kind === 'null' ? '' : v.kind === 'list' || v.kind === 'map' ? undefined : scalarAsGoString(v);
    if (path === undefined) {
      problems.push({
        severity: 'error',
        code: 'tproxy.type',
        message: 'expected a path string',
        hint,
        line: v.line,
        suffix: `.${entry.key}`,
      });
    } else if (path === '') delete value[entry.key];
    else value[entry.key] = cleanPath(path);
  }
  return problems.length > 0 ? { set: false, problems } : { set: true, value, problems };
}
