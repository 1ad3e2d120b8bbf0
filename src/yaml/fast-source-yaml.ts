import { type FastNode, scanBlockYaml } from './fast-block-yaml.js';

/**
 * The fast path for the small YAML files users write (a host file is a handful of lines; a fleet has thousands):
 * the shared block scanner, with scalars typed by YAML 1.2's core schema exactly as the `yaml` package does.
 * test/yaml/fast-source-yaml.test.ts checks data and lines agree with the full parser.
 */
export type Lines = Map<string, number>;

/** YAML 1.2 core schema (what `yaml` resolves plain scalars to). */
function coreScalar(text: string): unknown {
  if (/^(?:~|null|Null|NULL)?$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(text)) return Number.NaN;
  return text;
}

class NotFast extends Error {}

const join = (path: readonly string[]) => path.join('\0');

export function parseSimpleSource(text: string): { data: unknown; lines: Lines } | undefined {
  const root = scanBlockYaml(text);
  if (root === undefined) return undefined;
  const lines: Lines = new Map([['', root.line]]);
  const toData = (node: FastNode, path: string[]): unknown => {
    if (node.kind === 'scalar') return node.quoted ? node.text : coreScalar(node.text);
    if (node.kind === 'seq')
      return node.items.map((item, i) => {
        lines.set(join([...path, String(i)]), item.line);
        return toData(item, [...path, String(i)]);
      });
    const out: Record<string, unknown> = {};
    for (const e of node.entries) {
      // `out.__proto__ = v` would set the prototype, where the full parser keeps an own key: leave it to that parser.
      if (e.key === '__proto__') throw new NotFast();
      lines.set(join([...path, e.key]), e.line);
      out[e.key] = toData(e.value, [...path, e.key]);
    }
    return out;
  };
  try {
    return { data: toData(root, []), lines };
  } catch (error) {
    if (error instanceof NotFast) return undefined;
    throw error;
  }
}
