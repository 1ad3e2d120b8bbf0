import { composeHost } from '../desired/compose-host.js';
import { type DesiredHost, locateSetting } from '../desired/desired-host.js';
import type { LoadedRepo } from '../desired/load-repo.js';
import { error, type Issue } from '../issues.js';
import { effectiveVars, nestDataplaneVars } from '../render/dataplane-vars.js';
import { computeHostRules } from '../render/host-rules.js';
import { buildKumaDpCommand } from '../render/kuma-dp-command.js';
import { renderKumaDpTemplate } from '../render/mustache.js';
import type { HostResult } from '../render/rendered-host.js';
import type { LoadedTproxy } from '../render/tproxy-layers.js';
import { validateRenderedDataplane } from '../validate/dataplane.js';
import { checkHostPolicy, DEFAULT_HOST_POLICY, type HostPolicy } from '../validate/host-policy.js';
import { checkSafety } from '../validate/safety.js';
import { formatKumaVersion } from '../versions.js';
import { lintKumaDp } from './kuma-dp-lint.js';
import { lintTemplate } from './template-lint.js';

export type TproxyLoad = (paths: readonly string[], fallbackFile: string) => LoadedTproxy;

/** Compose, render and check one host. Never throws for bad input: every problem becomes an issue. */
export function compileHost(
  repo: LoadedRepo,
  entry: LoadedRepo['hosts'][number],
  loadTproxy: TproxyLoad,
  policy: HostPolicy = DEFAULT_HOST_POLICY,
): HostResult {
  try {
    return renderOneHost(repo, entry, loadTproxy, policy);
  } catch (e) {
    // One host's input must never take down the checks of the others (and with them a pull-request review).
    const deep = e instanceof RangeError;
    const issue = error({
      code: deep ? 'input.too-deep' : 'internal.check-failed',
      file: entry.file,
      message: deep
        ? "this host's files nest too deep to check (a template's sections, a YAML structure): nothing was rendered"
        : `checking this host failed (${(e as Error).message}): this is a bug in kuma-gitops, please report it with the host's files`,
      hint: deep ? 'flatten the nesting' : 'the other hosts were checked',
    });
    return { name: entry.name, file: entry.file, rendered: undefined, issues: [issue], deps: [entry.file] };
  }
}

function renderOneHost(
  repo: LoadedRepo,
  entry: LoadedRepo['hosts'][number],
  loadTproxy: TproxyLoad,
  policy: HostPolicy,
): HostResult {
  const composed = composeHost(repo, entry);
  const deps = [...new Set(composed.deps)];
  const issues: Issue[] = [...deps.flatMap((f) => repo.issuesByFile.get(f) ?? []), ...composed.issues];
  const result = (rendered: HostResult['rendered'] = undefined): HostResult => ({
    name: entry.name,
    file: entry.file,
    rendered,
    issues,
    deps,
  });
  const host = composed.host;
  if (!host) return result();

  const tproxy = loadTproxy(host.tproxyConfigPaths, host.file);
  issues.push(...tproxy.issues);
  const template = repo.files.get(host.dataplane.templatePath);
  if (!template) return result(); // the missing file is already reported on the layer that names it

  // Build the vars exactly as kuma-dp will receive them from our own argv, then render as kuma-dp does.
  const intended = Object.fromEntries(host.dataplane.vars);
  const vars = effectiveVars(intended);
  const nested = nestDataplaneVars(vars.vars);
  const dataplane = renderKumaDpTemplate(template.text, nested.data);
  const validated = validateRenderedDataplane(dataplane, { file: template.path, version: host.kumaVersion });
  issues.push(
    ...lintTemplate({
      file: template.path,
      varsFile: locateSetting(host, ['dataplane', 'vars']).file,
      template: template.text,
      intended,
      effective: vars,
      nested,
      renderedYamlValid: !validated.issues.some((i) => i.code === 'dataplane.yaml.syntax'),
    }),
    ...validated.issues,
  );

  const kumaDp = buildKumaDpCommand(host);
  issues.push(...lintKumaDp(host, kumaDp), ...checkHostPolicy(host, policy));
  // With a broken tproxy config the effective config is partly defaults: checks and rules built on it would only
  // add misleading follow-up errors to the one that matters.
  const tproxyBroken = tproxy.issues.some((i) => i.severity === 'error');
  if (!tproxyBroken) {
    issues.push(
      ...checkSafety({
        host,
        tproxy: tproxy.config,
        locateTproxy: tproxy.locate,
        dataplane: validated.dataplane ? { ...validated.dataplane, file: template.path } : undefined,
        kumaDp,
      }),
    );
  }
  const rules = tproxyBroken ? { rules: undefined, issues: [] } : computeHostRules(host, tproxy.config);
  issues.push(...rules.issues);
  fillSettingLines(host, issues);
  return result({
    name: host.name,
    desired: host,
    kumaVersion: formatKumaVersion(host.kumaVersion),
    dataplane,
    dataplaneAddress: validated.dataplane?.address?.value,
    files: [
      { purpose: 'dataplane-template', path: host.kumaDp.dataplaneFile, content: template.text, origin: template.path },
      ...(host.kumaDp.writeTproxyConfigFile || host.kumaDp.passTproxyConfig
        ? [
            {
              purpose: 'tproxy-config' as const,
              path: host.kumaDp.tproxyConfigFile,
              content: tproxy.yaml,
              origin: host.tproxyConfigPaths.join(' + ') || 'kumactl defaults',
            },
          ]
        : []),
    ],
    tproxy: { config: tproxy.config, yaml: tproxy.yaml, sources: host.tproxyConfigPaths },
    kumaDp,
    rules: rules.rules,
  });
}

/** Issues about a host's settings that name a YAML path but no line (e.g. a var): find the line in the layers. */
function fillSettingLines(host: DesiredHost, issues: Issue[]): void {
  for (const issue of issues) {
    if (issue.line !== undefined || !issue.path || !host.layers.some((l) => l.file === issue.file)) continue;
    // Var names may contain dots themselves: `dataplane.vars.net.addr` is the var `net.addr`.
    const vars = 'dataplane.vars.';
    const path = issue.path.startsWith(vars)
      ? ['dataplane', 'vars', issue.path.slice(vars.length)]
      : issue.path.split('.');
    for (let n = path.length; n > 0 && issue.line === undefined; n--) {
      const at = locateSetting(host, path.slice(0, n));
      if (at.file === issue.file && at.line !== undefined) issue.line = at.line;
    }
  }
}
