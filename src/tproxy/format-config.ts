import { CONFIG_FILE_FIELDS, type StructSpec } from './config-fields.js';
import { defaultTproxyConfig, type TproxyConfig } from './config-types.js';
import { resolvePlainScalar } from './yaml11-scalars.js';

/**
 * The effective config as a Kuma tproxy config file, written to the host and passed to both `kumactl install
 * transparent-proxy --config` and `kuma-dp run --transparent-proxy-config` (kumahq/kuma
 * pkg/transparentproxy/config/dataplane/config_dataplane.go@v2.14.3). Only keys kumactl
 * reads from files are written (chain names and namePrefix are not file-settable). Ports are unquoted numbers,
 * `ipFamilyMode` is kept verbatim, and a string is written plain only if kumactl's YAML 1.1 reader reads it
 * back as the same string (`yes`, `5678`, `0o17` are quoted).
 */
export function formatTproxyConfigYaml(config: TproxyConfig): string {
  const lines: string[] = [];
  const defaults = defaultTproxyConfig() as unknown as Record<string, unknown>;
  emitStruct(config as unknown as Record<string, unknown>, CONFIG_FILE_FIELDS, 0, lines, defaults, false);
  return `${lines.join('\n')}\n`;
}

/** Only the file keys whose value differs from `base` (kumactl's defaults): a minimal equivalent file. */
export function formatTproxyConfigChangesYaml(
  config: TproxyConfig,
  base: TproxyConfig = defaultTproxyConfig(),
): string {
  const lines: string[] = [];
  const b = base as unknown as Record<string, unknown>;
  emitStruct(config as unknown as Record<string, unknown>, CONFIG_FILE_FIELDS, 0, lines, b, true);
  return lines.length === 0 ? '{}\n' : `${lines.join('\n')}\n`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// Conservative: no `:`, `#`, `,`, spaces or leading indicators, so the text is a plain scalar in any context.
const PLAIN_SAFE = /^[A-Za-z0-9_/.][A-Za-z0-9_/.+@=-]*$/;

export function yamlString(s: string): string {
  const back = resolvePlainScalar(s);
  return PLAIN_SAFE.test(s) && back.kind === 'string' && back.value === s ? s : JSON.stringify(s);
}

function yamlScalar(v: unknown): string {
  if (typeof v === 'string') return yamlString(v);
  return String(v);
}

function emitStruct(
  value: Record<string, unknown>,
  spec: StructSpec,
  depth: number,
  lines: string[],
  defaults: Record<string, unknown> | undefined,
  onlyChanged: boolean,
): void {
  const indent = '  '.repeat(depth);
  for (const [key, kind] of Object.entries(spec)) {
    const v = value[key];
    const dflt = defaults?.[key];
    // eBPF is not supported and removed at Kuma HEAD: leave it out unless someone set it.
    if ((onlyChanged || (depth === 0 && key === 'ebpf')) && same(v, dflt)) continue;
    if (typeof kind !== 'string') {
      const inner: string[] = [];
      emitStruct(
        (v ?? {}) as Record<string, unknown>,
        kind,
        depth + 1,
        inner,
        dflt as Record<string, unknown>,
        onlyChanged,
      );
      if (inner.length > 0) lines.push(`${indent}${key}:`, ...inner);
    } else if (kind === 'executables') {
      const entries = Object.entries((v ?? {}) as Record<string, string>).filter(([, p]) => p !== '');
      if (entries.length === 0) lines.push(`${indent}${key}: {}`);
      else {
        lines.push(`${indent}${key}:`);
        for (const [name, path] of entries) lines.push(`${indent}  ${yamlString(name)}: ${yamlString(path)}`);
      }
    } else if (Array.isArray(v)) {
      if (v.length === 0) lines.push(`${indent}${key}: []`);
      else if (kind === 'ports') lines.push(`${indent}${key}: [${v.join(', ')}]`);
      else {
        lines.push(`${indent}${key}:`);
        for (const item of v) lines.push(`${indent}  - ${yamlScalar(item)}`);
      }
    } else {
      lines.push(`${indent}${key}: ${yamlScalar(v)}`);
    }
  }
}
