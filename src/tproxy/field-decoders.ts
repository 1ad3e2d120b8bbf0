import { checkExcludedIpsEntry, parseVnetNetwork } from './address-checks.js';
import type { LeafKind } from './config-fields.js';
import { decodeExecutablesNode } from './executables-node.js';
import { decodeDurationNode } from './go-duration.js';
import { decodePortNode, decodePortsNode, parsePortList } from './port-values.js';
import { hasUidAboveUint16, parseUidExclusion, UID_ERROR_PREFIX, uidRangeHint } from './uid-exclusions.js';
import type { GoNode } from './yaml-go-tree.js';
import { scalarAsGoString } from './yaml11-scalars.js';

/** One problem found while decoding a value; `suffix` points inside it (`[2]` for a list item, `.name` for a key). */
export interface LeafProblem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  hint: string;
  line: number;
  suffix?: string;
}

/** `set: false` means the value leaves the field as it was (Go: `null` into a bool, string or number). */
export type LeafResult = { set: boolean; value?: unknown; problems: LeafProblem[] };

const HINTS: Record<LeafKind, string> = {
  bool: 'write true or false without quotes',
  string: 'write a single text value',
  uint: 'write a whole number of 0 or more, without quotes',
  uint16: 'write a whole number from 0 to 65535, without quotes',
  port: 'write the port as an unquoted number from 1 to 65535, e.g. `port: 15006`',
  ports: 'write a list of unquoted port numbers from 1 to 65535, e.g. [8080, 9090]; ranges are not supported',
  strings: 'write a YAML list of strings',
  uidExclusions: 'write entries as [<protocol>:][<ports>:]<uids>, e.g. tcp:22,8000-9000:1000-1002',
  ipExclusions: 'write IP addresses or CIDRs, e.g. 10.0.0.1 or 192.168.0.0/24',
  vnetNetworks: 'write entries as <interface>:<CIDR>, e.g. docker0:172.17.0.0/16',
  ipFamilyMode: 'write ipv4 or dualstack, in lowercase',
  duration: 'write a Go duration such as 2s or 500ms',
  executables: 'map iptables, iptables-save, iptables-restore, ip6tables, ip6tables-save, ip6tables-restore to paths',
};

export function describeNode(node: GoNode): string {
  switch (node.kind) {
    case 'string':
      return `the string ${JSON.stringify(node.value)}`;
    case 'int':
    case 'float':
      return `the number ${node.value}`;
    case 'bool':
      return `the boolean ${node.value}`;
    case 'null':
      return 'null';
    case 'list':
      return 'a list';
    case 'map':
      return 'a mapping';
  }
}

const fail = (kind: LeafKind, node: GoNode, message: string, code = 'tproxy.type', index?: number): LeafResult => ({
  set: false,
  problems: [
    {
      severity: 'error',
      code,
      message,
      hint: HINTS[kind],
      line: node.line,
      ...(index === undefined ? {} : { suffix: `[${index}]` }),
    },
  ],
});
const typeError = (kind: LeafKind, node: GoNode, expected: string): LeafResult =>
  fail(kind, node, `expected ${expected}, got ${describeNode(node)}`);

function decodeUint(kind: 'uint' | 'uint16', node: GoNode): LeafResult {
  if (node.kind === 'null') return { set: false, problems: [] };
  const max = kind === 'uint16' ? 65535 : Number.MAX_SAFE_INTEGER;
  if ((node.kind === 'int' || node.kind === 'float') && Number.isInteger(node.value) && node.value >= 0) {
    if (node.value <= max) return { set: true, value: node.value, problems: [] };
  }
  return typeError(kind, node, kind === 'uint16' ? 'a whole number from 0 to 65535' : 'a whole number of 0 or more');
}

function decodeStrings(kind: LeafKind, node: GoNode): { list?: string[]; result?: LeafResult } {
  if (node.kind === 'null') return { list: [] }; // Go sets a slice to nil on null: the list is emptied
  if (node.kind !== 'list') return { result: typeError(kind, node, 'a list of strings') };
  const list: string[] = [];
  const problems: LeafProblem[] = [];
  node.items.forEach((item, index) => {
    const s =
      item.kind === 'null' ? '' : item.kind === 'list' || item.kind === 'map' ? undefined : scalarAsGoString(item);
    if (s === undefined)
      problems.push(...fail(kind, item, `expected a string, got ${describeNode(item)}`, 'tproxy.type', index).problems);
    else list.push(s);
  });
  return problems.length > 0 ? { result: { set: false, problems } } : { list };
}

/** Per-entry checks of kumactl's `Initialize`, with the entry's own line. */
function checkEntries(kind: LeafKind, node: GoNode, list: string[]): LeafProblem[] {
  const items = node.kind === 'list' ? node.items : [];
  const problems: LeafProblem[] = [];
  list.forEach((entry, index) => {
    const line = items[index]?.line ?? node.line;
    const add = (code: string, message: string) =>
      problems.push({ severity: 'error', code, message, hint: HINTS[kind], line, suffix: `[${index}]` });
    if (kind === 'uidExclusions') {
      const r = parseUidExclusion(entry);
      if (!r.ok && hasUidAboveUint16(entry)) {
        problems.push({
          severity: 'error',
          code: 'tproxy.exclude-uids.uid-range',
          message: `${UID_ERROR_PREFIX}${r.message}`,
          hint: uidRangeHint,
          line,
          suffix: `[${index}]`,
        });
      } else if (!r.ok) add('tproxy.exclude-uids.invalid', `${UID_ERROR_PREFIX}${r.message}`);
    } else if (kind === 'ipExclusions') {
      for (const m of checkExcludedIpsEntry(entry)) add('tproxy.exclude-ips.invalid', m);
    } else if (kind === 'vnetNetworks') {
      const r = parseVnetNetwork(entry);
      if (!r.ok) add('tproxy.vnet.invalid', r.message);
    }
  });
  return problems;
}

export function decodeLeaf(kind: LeafKind, node: GoNode, current: unknown): LeafResult {
  switch (kind) {
    case 'bool':
      if (node.kind === 'null') return { set: false, problems: [] };
      return node.kind === 'bool'
        ? { set: true, value: node.value, problems: [] }
        : typeError(kind, node, 'true or false');
    case 'string': {
      if (node.kind === 'null') return { set: false, problems: [] };
      const s = node.kind === 'list' || node.kind === 'map' ? undefined : scalarAsGoString(node);
      return s === undefined ? typeError(kind, node, 'a string') : { set: true, value: s, problems: [] };
    }
    case 'uint':
    case 'uint16':
      return decodeUint(kind, node);
    case 'port': {
      const p = decodePortNode(node);
      return p.ok
        ? { set: true, value: p.value, problems: [] }
        : fail(kind, node, p.messages[0]!, 'tproxy.port.invalid');
    }
    case 'ports': {
      const p = decodePortsNode(node);
      const items = node.kind === 'list' ? node.items : [];
      const dropped: LeafProblem[] = p.dropped.map((d) => ({
        severity: 'warning',
        code: 'tproxy.ports.item-dropped',
        message: `kumactl silently drops this list item (${describeNode(d)}): only numbers and strings are read`,
        hint: HINTS.ports,
        line: d.line,
        suffix: `[${items.indexOf(d)}]`,
      }));
      if (p.ok) return { set: true, value: p.value, problems: dropped };
      // Point at the offending list items; a scalar value is its own line.
      const errors =
        node.kind === 'list'
          ? node.items.flatMap((item, index) => {
              if (item.kind !== 'string' && item.kind !== 'int' && item.kind !== 'float') return [];
              const r = parsePortList(String(item.value));
              return r.ok ? [] : r.messages.map((m) => fail(kind, item, m, 'tproxy.ports.invalid', index).problems[0]!);
            })
          : p.messages.map((m) => fail(kind, node, m, 'tproxy.ports.invalid').problems[0]!);
      return { set: false, problems: [...errors, ...dropped] };
    }
    case 'strings':
    case 'uidExclusions':
    case 'ipExclusions':
    case 'vnetNetworks': {
      const { list, result } = decodeStrings(kind, node);
      if (result) return result;
      // These checks run in kumactl's Initialize, after unmarshalling: the value is still what the struct holds.
      return { set: true, value: list, problems: checkEntries(kind, node, list!) };
    }
    case 'ipFamilyMode':
      if (node.kind === 'null') return { set: true, value: 'dualstack', problems: [] }; // resets (kumahq/kuma pkg/config/loader.go@v2.14.3)
      if (node.kind !== 'string') return typeError(kind, node, "'dualstack' or 'ipv4'");
      if (node.value === '') return { set: true, value: 'dualstack', problems: [] };
      if (['dualstack', 'ipv4'].includes(node.value.toLowerCase()))
        return { set: true, value: node.value, problems: [] };
      return fail(kind, node, "must be one of 'dualstack' or 'ipv4'", 'tproxy.ip-family-mode.invalid');
    case 'duration': {
      const d = decodeDurationNode(node);
      return d.ok
        ? { set: true, value: d.value, problems: [] }
        : fail(kind, node, d.message, 'tproxy.duration.invalid');
    }
    case 'executables':
      return decodeExecutablesNode(node, current as Record<string, string>, HINTS.executables);
  }
}
