import type { GoNode } from './yaml-go-tree.js';

/**
 * kumactl's `Port` and `Ports` types (kumahq/kuma pkg/transparentproxy/config/config.go@v2.14.3 and utils.go). A Port's
 * JSON unmarshaller parses the raw JSON text, so
 * a quoted YAML port arrives as `"15006"` (quotes included) and is rejected.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; messages: string[] };

export const portMessage = (raw: string): string =>
  `value '${raw}' is not a valid port (uint16 in the range [1, 65535])`;

/** `ParsePort`: Go `strconv.ParseUint(s, 10, 16)` and non-zero. */
export function parsePort(raw: string): Parsed<number> {
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  return n >= 1 && n <= 65535 ? { ok: true, value: n } : { ok: false, messages: [portMessage(raw)] };
}

/** `Ports.Set`: a comma list, blanks skipped, no ranges; the result replaces the previous list. */
export function parsePortList(text: string): Parsed<number[]> {
  const value: number[] = [];
  const messages: string[] = [];
  for (const piece of text.split(',')) {
    const item = piece.trim();
    if (item === '') continue;
    const p = parsePort(item);
    if (p.ok) value.push(p.value);
    else messages.push(...p.messages);
  }
  return messages.length > 0 ? { ok: false, messages } : { ok: true, value };
}

/** Go's `json.Marshal` of a string: HTML characters and U+2028/2029 escaped as `\u00xx`. */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The raw JSON text encoding/json hands to an UnmarshalJSON method for this value (map keys sorted, as Go does). */
export function goJsonText(node: GoNode): string {
  switch (node.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return String(node.value);
    case 'int':
    case 'float':
      // JS and Go pick the exponent form at the same thresholds (1e21, 1e-6) for float64.
      return String(node.value);
    case 'string':
      return goJsonString(node.value);
    case 'list':
      return `[${node.items.map(goJsonText).join(',')}]`;
    case 'map': {
      const last = new Map(node.entries.map((e) => [e.key, e.value]));
      const keys = [...last.keys()].sort();
      return `{${keys.map((k) => `${goJsonString(k)}:${goJsonText(last.get(k)!)}`).join(',')}}`;
    }
  }
}

/** A Port from a config file: the raw JSON text is parsed (`null` included, reasoned from encoding/json). */
export function decodePortNode(node: GoNode): Parsed<number> {
  return parsePort(goJsonText(node));
}

/**
 * Ports from a config file: a number, a comma string, or a list whose string and number items are joined and
 * parsed as one comma string. Other list items are dropped silently by kumactl; we report them as `dropped`.
 */
export function decodePortsNode(node: GoNode): Parsed<number[]> & { dropped: GoNode[] } {
  switch (node.kind) {
    case 'string':
      return { ...parsePortList(node.value), dropped: [] };
    case 'int':
    case 'float':
      return { ...mapSingle(parsePort(String(node.value))), dropped: [] };
    case 'list': {
      const kept = node.items.filter((i) => i.kind === 'string' || i.kind === 'int' || i.kind === 'float');
      const text = kept.map((i) => String(i.value)).join(',');
      return { ...parsePortList(text), dropped: node.items.filter((i) => !(kept as GoNode[]).includes(i)) };
    }
    default:
      // null reaches the unmarshaller as the text `null` (reasoned from encoding/json, not run; kumahq/kuma
      // app/kumactl/cmd/install/install_transparent_proxy.go@v2.14.3 and pkg/config/loader.go).
      // For booleans and maps kumactl's exact text is not known; we use the same port message (inferred).
      return { ok: false, messages: [portMessage(goJsonText(node))], dropped: [] };
  }
}

function mapSingle(p: Parsed<number>): Parsed<number[]> {
  return p.ok ? { ok: true, value: [p.value] } : p;
}
