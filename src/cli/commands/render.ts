import { compileRepo } from '../../compile/compile-repo.js';
import { loadRepo } from '../../desired/load-repo.js';
import { dirRepoReader } from '../../io/dir-reader.js';
import { formatIssue, hasErrors } from '../../issues.js';
import type { HostResult } from '../../render/rendered-host.js';
import { formatCommand, shellQuote } from '../../system/shell-quote.js';
import type { Command } from '../command.js';
import { POLICY_FLAGS, policyFromArgs } from './policy-flags.js';

export const renderCommand: Command = {
  spec: {
    name: 'render',
    summary:
      'Show what one host will run: the Dataplane kuma-dp renders, the effective tproxy config, the kuma-dp command line and environment.',
    usage: 'kuma-gitops render --repo DIR --host H [--output text|json]',
    details: 'Exit 0: rendered without errors. Exit 1: the host has errors (they are printed) or cannot be found.',
    flags: {
      repo: { kind: 'string', required: true, value: 'DIR', help: 'desired-state repo (working tree)' },
      host: { kind: 'string', required: true, value: 'H', help: 'host name (hosts/H.yaml)' },
      output: { kind: 'string', choices: ['text', 'json'], default: 'text', value: 'FORMAT', help: 'text or json' },
      ...POLICY_FLAGS,
    },
  },
  async run(args, io) {
    const repo = await loadRepo(dirRepoReader(args.strings.repo!));
    const [result] = compileRepo(repo, args.strings.host, policyFromArgs(args, 'render'));
    if (!result) return 1;
    io.out(args.strings.output === 'json' ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatRenderText(result));
    return hasErrors(result.issues) ? 1 : 0;
  },
};

function toJson(r: HostResult) {
  const x = r.rendered;
  return {
    host: r.name,
    file: r.file,
    valid: !hasErrors(r.issues),
    kumaVersion: x?.kumaVersion,
    dataplane: x?.dataplane,
    tproxyConfig: x?.tproxy.config,
    tproxyConfigYaml: x?.tproxy.yaml,
    kumaDp: x ? { argv: x.kumaDp.argv, env: x.kumaDp.env, effective: x.kumaDp.effective } : undefined,
    rules: x?.rules ? { facts: x.rules.facts, uid: x.rules.uid, dryRun: x.rules.dryRun } : undefined,
    files: x?.files.map((f) => ({ purpose: f.purpose, path: f.path, origin: f.origin })),
    issues: r.issues,
  };
}

export function formatRenderText(r: HostResult): string {
  const out: string[] = [];
  const x = r.rendered;
  if (x) {
    const tpl = x.files.find((f) => f.purpose === 'dataplane-template')!;
    const tp = x.files.find((f) => f.purpose === 'tproxy-config');
    out.push(`# Host ${r.name} (Kuma ${x.kumaVersion}, ${r.file})`, '');
    out.push(`## Dataplane, as kuma-dp renders ${tpl.path} (from ${tpl.origin})`, '', x.dataplane.trimEnd(), '');
    const tpFrom = x.tproxy.sources.join(' + ') || 'kumactl defaults';
    const tpTitle = tp
      ? `${tp.path} (from ${tp.origin})`
      : `(from ${tpFrom}; not written to the host: writeTproxyConfigFile is false)`;
    out.push(`## Transparent-proxy config ${tpTitle}`, '', x.tproxy.yaml.trimEnd(), '');
    if (x.rules) {
      const f = x.rules.facts;
      const facts = `loopback ${f.loopbackInterface}, DNS servers [${f.dnsServers.join(', ')}], IPv6 ${f.ipv6 ? 'on' : 'off'}, kuma-dp uid ${x.rules.uid}`;
      out.push(
        `## iptables rules, as \`kumactl install transparent-proxy --dry-run\` prints them (host facts: ${facts})`,
        '',
        x.rules.dryRun.trimEnd(),
        '',
      );
    }
    out.push('## kuma-dp command', '', formatCommand(x.kumaDp.argv), '');
    const env = Object.entries(x.kumaDp.env);
    out.push(
      '## kuma-dp environment',
      '',
      env.length ? env.map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n') : "(none beyond the supervisor's)",
      '',
    );
  } else {
    out.push(`# Host ${r.name} (${r.file}): not rendered, see the errors below`, '');
  }
  if (r.issues.length > 0) out.push('## Issues', '', ...r.issues.map(formatIssue), '');
  return `${out.join('\n')}`;
}
