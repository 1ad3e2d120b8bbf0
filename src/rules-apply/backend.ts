/**
 * Which iptables binaries read and write the rules, and the restore command line kumactl would use with them
 * (kumahq/kuma pkg/transparentproxy/config/config_executables.go@v2.14.3 and iptables/setup.go):
 * `--wait`/`--wait-interval` only on legacy, `=` form, before `--noflush`.
 */
import type { BackendMode, Family } from '../model/family.js';

export interface FamilyTools {
  save: string;
  restore: string;
}

export interface RulesBackend {
  mode: BackendMode;
  tools: Record<Family, FamilyTools>;
}

/** The mode-suffixed binaries (`iptables-nft-save`, `ip6tables-legacy-restore`, ...), unless given otherwise. */
export function rulesBackend(
  mode: BackendMode,
  tools: Partial<Record<Family, Partial<FamilyTools>>> = {},
): RulesBackend {
  const of = (family: Family): FamilyTools => {
    const base = family === 'ipv4' ? 'iptables' : 'ip6tables';
    return {
      save: tools[family]?.save ?? `${base}-${mode}-save`,
      restore: tools[family]?.restore ?? `${base}-${mode}-restore`,
    };
  };
  return { mode, tools: { ipv4: of('ipv4'), ipv6: of('ipv6') } };
}

export interface WaitOptions {
  /** Seconds legacy iptables-restore waits for the xtables lock (kumactl's `wait`, default 5; 0 omits the flag). */
  wait?: number;
  /** Microseconds between lock attempts (kumactl's `waitInterval`, default 0: flag omitted). */
  waitIntervalUs?: number;
}

export const DEFAULT_WAIT_SECONDS = 5;

/** `<restore> [--wait=N] [--wait-interval=µs] --noflush`; nft takes no lock, so it gets no wait flags. */
export function restoreArgv(backend: RulesBackend, family: Family, options: WaitOptions = {}): string[] {
  const argv = [backend.tools[family].restore];
  if (backend.mode === 'legacy') {
    const wait = options.wait ?? DEFAULT_WAIT_SECONDS;
    const interval = options.waitIntervalUs ?? 0;
    if (wait > 0) argv.push(`--wait=${wait}`);
    if (interval > 0) argv.push(`--wait-interval=${interval}`);
  }
  argv.push('--noflush');
  return argv;
}

export const saveArgv = (backend: RulesBackend, family: Family): string[] => [backend.tools[family].save];
