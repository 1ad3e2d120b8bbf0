import { error, type Issue, warning } from '../issues.js';
import { defaultTproxyConfig, type TproxyConfig } from './config-types.js';
import { incompleteExecutables } from './executables.js';
import { mergeGoTree } from './go-json-merge.js';
import { lintListTraps } from './lint-list-traps.js';
import type { TproxyConfigSource } from './load-config.js';
import { locate, parseSourceTrees, type SourceTree } from './source-locator.js';

/**
 * The kumactl traps (settings of kumactl 2.9-2.14 that do something other than they read) found in an effective tproxy
 * config: errors for settings that are certainly not
 * what was meant, warnings for likely mistakes. `sources` are the files the config came from; issues point at
 * the line that set the value. Pure: nothing is read or run.
 */
export function lintTproxyConfig(config: TproxyConfig, sources: readonly TproxyConfigSource[]): Issue[] {
  const trees = parseSourceTrees(sources);
  const at = (path: string) => ({ ...locate(trees, path), path });
  const strip = ({ node: _node, ...where }: ReturnType<typeof at>) => where;
  const issues: Issue[] = [...keyTraps(trees)];

  const mode = config.ipFamilyMode;
  if (mode !== 'ipv4' && mode.toLowerCase() === 'ipv4') {
    issues.push(
      error({
        code: 'tproxy.ip-family-mode.case',
        ...strip(at('ipFamilyMode')),
        message: `ipFamilyMode '${mode}' passes validation but is compared case-sensitively with 'ipv4', so kumactl and kuma-dp behave as dualstack`,
        hint: 'write ipFamilyMode: ipv4',
      }),
    );
  } else if (mode !== 'dualstack' && mode.toLowerCase() === 'dualstack') {
    issues.push(
      warning({
        code: 'tproxy.ip-family-mode.case',
        ...strip(at('ipFamilyMode')),
        message: `ipFamilyMode '${mode}' works as dualstack only because anything but exactly 'ipv4' does`,
        hint: 'write ipFamilyMode: dualstack',
      }),
    );
  }

  const simple: [boolean, 'error' | 'warning', string, string, string, string][] = [
    [
      config.wait === 0,
      'warning',
      'tproxy.wait.zero',
      'wait',
      'wait: 0 does not mean "wait forever": kumactl omits --wait, so iptables-restore does not wait for the xtables lock',
      'set the seconds to wait for the lock, e.g. the default 5 (only the legacy backend uses it)',
    ],
    [
      config.log.level > 7,
      'warning',
      'tproxy.log.level',
      'log.level',
      `log.level ${config.log.level} is outside the syslog levels 0..7; kumactl does not check it`,
      'use a level from 0 (emerg) to 7 (debug)',
    ],
    [
      config.comments.disabled,
      'warning',
      'tproxy.comments.disabled',
      'comments.disabled',
      'rules without comments cannot be told apart from foreign rules: cleanup and drift detection need the kuma comments, and later installs or uninstalls fail until manual cleanup',
      'remove comments.disabled',
    ],
    [
      config.storeFirewalld,
      'warning',
      'tproxy.store-firewalld',
      'storeFirewalld',
      'storeFirewalld most likely persists nothing in real runs (it translates the empty output of iptables-restore)',
      'remove storeFirewalld; kuma-gitops re-applies the rules at boot itself',
    ],
    [
      config.cniMode,
      'warning',
      'tproxy.cni-mode',
      'cniMode',
      'cniMode is for the Kubernetes CNI: it skips the kuma-dp user lookup (UID 5678 unless kumaDPUser is set) and sandboxes every iptables call',
      'remove cniMode on VMs and bare metal',
    ],
    [
      config.ebpf.enabled,
      'error',
      'tproxy.ebpf.enabled',
      'ebpf.enabled',
      'eBPF mode is not supported by kuma-gitops (and was removed from Kuma after 2.14)',
      'remove the ebpf section to use iptables redirection',
    ],
  ];
  for (const [when, severity, code, path, message, hint] of simple) {
    if (when) issues.push((severity === 'error' ? error : warning)({ code, ...strip(at(path)), message, hint }));
  }

  issues.push(...fileOnlyTraps(trees, config));
  for (const { message } of incompleteExecutables(config.iptablesExecutables)) {
    issues.push(
      warning({
        code: 'tproxy.executables.incomplete',
        ...strip(at('iptablesExecutables')),
        message,
        hint: 'set iptables, iptables-save and iptables-restore (or the ip6tables trio) together, or none of them',
      }),
    );
  }
  issues.push(...lintListTraps(config, trees));
  return issues;
}

/** Unknown, mis-cased and duplicate keys: the same issues the loader reports, found the same way. */
function keyTraps(trees: readonly SourceTree[]): Issue[] {
  return trees.flatMap((t) =>
    t.root ? mergeGoTree(defaultTproxyConfig(), t.root, t.file).filter((i) => i.code.startsWith('tproxy.key.')) : [],
  );
}

/** Traps that depend on what a file says, not only on the effective value. */
function fileOnlyTraps(trees: readonly SourceTree[], config: TproxyConfig): Issue[] {
  const issues: Issue[] = [];
  const dryRun = locate(trees, 'dryRun');
  if (dryRun.node?.kind === 'bool' && dryRun.node.value) {
    issues.push(
      warning({
        code: 'tproxy.dry-run',
        file: dryRun.file,
        line: dryRun.line,
        path: 'dryRun',
        message: 'dryRun: true in a config file makes every kumactl install print the rules instead of applying them',
        hint: 'remove dryRun from the file; use kuma-gitops plan to preview',
      }),
    );
  }
  const enabled = locate(trees, 'redirect.dns.enabled');
  if (config.redirect.dns.captureAll && enabled.node?.kind === 'bool' && !enabled.node.value) {
    issues.push(
      warning({
        code: 'tproxy.dns.capture-all-forces-enabled',
        file: enabled.file,
        line: enabled.line,
        path: 'redirect.dns.enabled',
        message:
          'redirect.dns.enabled: false has no effect: captureAll is true, and kumactl then forces DNS redirection on',
        hint: 'remove enabled: false, or set captureAll: false to turn DNS redirection off',
      }),
    );
  }
  return issues;
}
