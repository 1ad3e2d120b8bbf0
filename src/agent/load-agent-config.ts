import { hostname } from 'node:os';
import { schemaIssues } from '../desired/schema-issues.js';
import { keysAt } from '../desired/schema-keys.js';
import { KumaGitopsError } from '../errors.js';
import { type HostFileKind, readHostOwnedFile } from '../io/host-owned-file.js';
import { error, type Issue } from '../issues.js';
import { parseYamlSource } from '../yaml/yaml-source.js';
import { type AgentConfig, agentConfigSchema, durationMs } from './agent-config.js';

export const DEFAULT_AGENT_CONFIG = '/etc/kuma-gitops/agent.yaml';

/** Every problem of the agent's config, with file and line: the agent refuses to start with any of them. */
export class AgentConfigError extends KumaGitopsError {
  constructor(file: string, issues: Issue[]) {
    super(
      'agent.config-invalid',
      `the agent config ${file} has ${issues.length} problem(s); fix them, the agent does not start until then`,
      { file, issues },
    );
    this.name = 'AgentConfigError';
  }
}

/**
 * Read and check the config: owned by root and private, valid against the schema, and every file it names
 * (credentials private, trust anchors writable by root only) in place. `owner` is for tests that cannot chown.
 */
export function loadAgentConfig(
  file: string,
  o: { netns?: string; owner?: number; defaultHost?: string } = {},
): AgentConfig {
  const read = readHostOwnedFile(file, 'secret', o.owner);
  if ('problem' in read) {
    throw new AgentConfigError(file, [
      error({ code: read.problem.code, file, message: read.problem.message, hint: read.problem.hint }),
    ]);
  }
  const { source, issues } = parseYamlSource({ path: file, text: read.text });
  if (!source) throw new AgentConfigError(file, issues);
  const parsed = agentConfigSchema.safeParse(source.data ?? {});
  if (!parsed.success) {
    throw new AgentConfigError(
      file,
      schemaIssues(source, parsed.error.issues, (p) => keysAt(agentConfigSchema, p)).map((i) => ({
        ...i,
        // zod says "expected object, received undefined" for a setting that is not there.
        message: / received undefined$/.test(i.message) ? `${i.path} is required` : i.message,
        hint: i.code === 'schema.invalid' ? 'see schemas/agent.schema.json and deploy/agent.yaml' : i.hint,
      })),
    );
  }
  const c = parsed.data;
  const named: [string[], string | undefined, HostFileKind][] = [
    [
      ['source', 'auth', 'tokenFile'],
      c.source.auth && 'tokenFile' in c.source.auth ? c.source.auth.tokenFile : undefined,
      'secret',
    ],
    [
      ['source', 'auth', 'usernameFile'],
      c.source.auth && 'usernameFile' in c.source.auth ? c.source.auth.usernameFile : undefined,
      'secret',
    ],
    [
      ['source', 'auth', 'passwordFile'],
      c.source.auth && 'passwordFile' in c.source.auth ? c.source.auth.passwordFile : undefined,
      'secret',
    ],
    [['source', 'caFile'], c.source.caFile, 'trusted'],
    [['verify', 'allowedSignersFile'], c.verify.allowedSignersFile, 'trusted'],
    [['verify', 'publicKeysFile'], c.verify.publicKeysFile, 'trusted'],
    [['alerts', 'webhook', 'secretFile'], c.alerts.webhook?.secretFile, 'secret'],
  ];
  const fileIssues: Issue[] = [];
  for (const [path, value, kind] of named) {
    if (value === undefined) continue;
    const r = readHostOwnedFile(value, kind, o.owner);
    if ('problem' in r) {
      fileIssues.push(
        error({
          code: r.problem.code,
          file,
          line: source.lineOf(path),
          path: path.join('.'),
          message: r.problem.message,
          hint: r.problem.hint,
        }),
      );
    }
  }
  if (fileIssues.length > 0) throw new AgentConfigError(file, fileIssues);
  const { pollInterval, timeout, ...rest } = c.source;
  return {
    file,
    host: c.host ?? o.defaultHost ?? hostname().split('.')[0]!,
    source: { ...rest, pollMs: durationMs(pollInterval)!, timeoutMs: durationMs(timeout)! },
    verify: c.verify,
    stateDir: c.stateDir,
    supervisor: c.supervisor,
    readyTimeoutMs: durationMs(c.readyTimeout)!,
    failPolicy: c.failPolicy,
    policy: c.policy,
    drift: {
      watch: c.drift.watch,
      checkIntervalMs: durationMs(c.drift.checkInterval)!,
      maxHeals: c.drift.maxHeals,
      healWindowMs: durationMs(c.drift.healWindow)!,
    },
    alerts: {
      alertmanager: c.alerts.alertmanager,
      resendMs: durationMs(c.alerts.resendInterval)!,
      ...(c.alerts.webhook
        ? {
            webhook: {
              url: c.alerts.webhook.url,
              ...(c.alerts.webhook.secretFile ? { secret: readSecret(c.alerts.webhook.secretFile, o.owner) } : {}),
            },
          }
        : {}),
    },
    ...(c.metrics.listen === 'off' ? {} : { metrics: listenAddress(c.metrics.listen) }),
    ...(o.netns !== undefined ? { netns: o.netns } : {}),
  };
}

function listenAddress(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(text.slice(at + 1)) };
}

/** The webhook's HMAC key (already checked above: root's, private). */
function readSecret(path: string, owner?: number): string {
  const r = readHostOwnedFile(path, 'secret', owner);
  return 'text' in r ? r.text.replace(/\r?\n$/, '') : '';
}
