import { error, type Issue, warning } from '../issues.js';
import { CONFIG_FILE_FIELDS, matchField, type StructSpec, suggestKey } from './config-fields.js';
import { decodeLeaf, describeNode } from './field-decoders.js';
import type { GoEntry, GoNode } from './yaml-go-tree.js';

/**
 * encoding/json unmarshalling of one source onto the config built so far (kumahq/kuma
 * app/kumactl/cmd/install/install_transparent_proxy.go@v2.14.3 and pkg/config/loader.go): present scalars
 * overwrite, objects merge field by field, lists replace, keys match case-insensitively, unknown keys are
 * ignored. Unlike kumactl, which stops at the first bad value, every problem is collected.
 */
export function mergeGoTree(target: object, root: GoNode, file: string): Issue[] {
  const issues: Issue[] = [];
  mergeStruct(target as Record<string, unknown>, CONFIG_FILE_FIELDS, root, [], file, issues);
  return issues;
}

/**
 * The keys in the order encoding/json sees them: sigs.k8s.io/yaml builds a Go map (a repeated key keeps its
 * last value) and json.Marshal sorts map keys bytewise. So of `Port` and `port`, `port` is applied last and wins.
 */
export function goKeyOrder(entries: readonly GoEntry[]): { ordered: GoEntry[]; shadowed: GoEntry[] } {
  const last = new Map<string, GoEntry>();
  for (const e of entries) last.set(e.key, e);
  const kept = new Set(last.values());
  const ordered = [...kept].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ordered, shadowed: entries.filter((e) => !kept.has(e)) };
}

const join = (path: readonly string[]): string => path.join('.');

function mergeStruct(
  target: Record<string, unknown>,
  spec: StructSpec,
  node: GoNode,
  path: string[],
  file: string,
  issues: Issue[],
): void {
  if (node.kind === 'null') return; // null into a struct has no effect
  if (node.kind !== 'map') {
    issues.push(
      error({
        code: 'tproxy.type',
        file,
        line: node.line,
        path: join(path),
        message: `expected a mapping, got ${describeNode(node)}`,
        hint:
          path.length === 0
            ? 'a tproxy config file is a YAML or JSON mapping'
            : `write ${join(path)} as a mapping of keys`,
      }),
    );
    return;
  }
  const { ordered, shadowed } = goKeyOrder(node.entries);
  for (const e of shadowed) {
    issues.push(
      warning({
        code: 'tproxy.key.duplicate',
        file,
        line: e.line,
        path: join([...path, e.key]),
        message: `key '${e.key}' appears again later in this mapping; kumactl keeps only the last value`,
        hint: 'remove the duplicate key',
      }),
    );
  }
  const seen = new Map<string, GoEntry>();
  for (const entry of ordered) {
    const field = matchField(spec, entry.key);
    if (field === undefined) {
      const suggestion = suggestKey(spec, entry.key);
      issues.push(
        warning({
          code: 'tproxy.key.unknown',
          file,
          line: entry.line,
          path: join([...path, entry.key]),
          message: `unknown key '${entry.key}' is ignored by kumactl`,
          hint: suggestion ? `did you mean '${suggestion}'?` : `known keys here: ${Object.keys(spec).join(', ')}`,
        }),
      );
      continue;
    }
    const fieldPath = [...path, field];
    if (entry.key !== field) {
      issues.push(
        warning({
          code: 'tproxy.key.case',
          file,
          line: entry.line,
          path: join(fieldPath),
          message: `key '${entry.key}' matches '${field}' only because kumactl ignores case`,
          hint: `write it as '${field}'`,
        }),
      );
    }
    const earlier = seen.get(field);
    if (earlier) {
      issues.push(
        warning({
          code: 'tproxy.key.duplicate',
          file,
          line: earlier.line,
          path: join(fieldPath),
          message: `keys '${earlier.key}' and '${entry.key}' set the same field; kumactl applies '${entry.key}' last`,
          hint: 'keep one of them',
        }),
      );
    }
    seen.set(field, entry);
    const sub = spec[field]!;
    if (typeof sub !== 'string') {
      target[field] ??= {};
      mergeStruct(target[field] as Record<string, unknown>, sub, entry.value, fieldPath, file, issues);
      continue;
    }
    const result = decodeLeaf(sub, entry.value, target[field]);
    for (const p of result.problems) {
      const make = p.severity === 'error' ? error : warning;
      const at = `${join(fieldPath)}${p.suffix ?? ''}`;
      issues.push(make({ code: p.code, file, line: p.line, path: at, message: p.message, hint: p.hint }));
    }
    if (result.set) target[field] = result.value;
  }
}
