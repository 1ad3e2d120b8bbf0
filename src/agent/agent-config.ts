import * as z from 'zod';

/**
 * The agent's own config (/etc/kuma-gitops/agent.yaml): written by the host's operator, never by the repository. It
 * says where the desired state comes from, how to trust it, and what the repository may make this host do.
 */
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `500ms`, `10s`, `1.5m`, `2h` in milliseconds; undefined when not such a duration. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

const duration = (what: string, min: number) =>
  z
    .string()
    .refine((t) => durationMs(t) !== undefined, {
      message: `${what}: a duration such as 500ms, 10s, 5m or 1h`,
      abort: true,
    })
    .refine((t) => (durationMs(t) ?? 0) >= min, { message: `${what}: at least ${min} ms` })
    .describe(`${what} (500ms, 10s, 5m, 1h)`);

const absolutePath = (what: string) =>
  z
    .string()
    .regex(/^\/(?:[^/\0]+\/?)*$/, { message: `${what}: an absolute path` })
    .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), {
      message: `${what}: a plain absolute path (no '.' or '..')`,
    })
    .describe(`${what} (absolute path)`);

const auth = z.union([
  z.strictObject({ tokenFile: absolutePath('file holding the access token (sent as Basic x-access-token:TOKEN)') }),
  z.strictObject({
    usernameFile: absolutePath('file holding the user name'),
    passwordFile: absolutePath('file holding the password'),
  }),
]);

const source = z.strictObject({
  url: z
    .string()
    .refine((u) => /^https?:\/\/[^/\s]+/.test(u) || u.startsWith('/'), {
      message: 'url: https://..., http://... or the absolute path of a local git repository',
    })
    .refine((u) => !/^https?:\/\/[^/]*@/.test(u), {
      message: 'url: credentials in the URL would appear in logs; use auth.tokenFile or usernameFile + passwordFile',
    })
    .describe('the git repository: https://..., http://... or a local path'),
  branch: z
    .string()
    .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, { message: 'branch: a git branch name' })
    .default('main'),
  path: z
    .string()
    .regex(/^(?:[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*)?$/, {
      message: "path: a folder inside the repository, relative, without '..'",
    })
    .refine((p) => !p.split('/').includes('..'), { message: "path: a folder inside the repository, without '..'" })
    .default('')
    .describe('the desired-state folder inside the repository (default: its root)'),
  auth: auth.optional(),
  caFile: absolutePath('PEM file of the CA(s) that sign the server certificate').optional(),
  proxy: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, { message: 'proxy: http://host:port' })
    .optional()
    .describe('HTTP(S) proxy; default from HTTPS_PROXY/HTTP_PROXY and NO_PROXY'),
  pollInterval: duration('pollInterval', 1000).default('60s'),
  timeout: duration('timeout of one request', 1000).default('30s'),
});

const verify = z
  .strictObject({
    mode: z.enum(['none', 'head']).default('none'),
    allowedSignersFile: absolutePath("OpenSSH allowed_signers file (namespace 'git')").optional(),
    publicKeysFile: absolutePath('armored OpenPGP public keys').optional(),
  })
  .refine((v) => v.mode === 'none' || v.allowedSignersFile !== undefined || v.publicKeysFile !== undefined, {
    message: 'verify.mode head needs allowedSignersFile or publicKeysFile (or both)',
    path: ['mode'],
  });

const kumaDpUser = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/)
    .refine((n) => n !== 'root', { message: 'kuma-dp never runs as root' }),
  uid: z.number().int().min(1).max(65535),
});

export const agentConfigSchema = z.strictObject({
  host: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/, { message: 'host: a host name as in hosts/<name>.yaml' })
    .optional()
    .describe("this host's name in the repository (default: the machine's hostname)"),
  source,
  verify: verify.default({ mode: 'none' }),
  stateDir: absolutePath('state directory').default('/var/lib/kuma-gitops'),
  supervisor: z.enum(['process', 'systemd']).default('process'),
  readyTimeout: duration('readyTimeout', 1000).default('60s'),
  failPolicy: z.enum(['fail-open', 'keep']).default('fail-open'),
  alerts: z
    .strictObject({
      alertmanager: z
        .array(
          z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'alerts.alertmanager: http(s)://host:port' }),
        )
        .default([])
        .describe('Alertmanager base URLs (each gets every alert: an HA pair is listed twice)'),
      webhook: z
        .strictObject({
          url: z.string().regex(/^https?:\/\/\S+$/, { message: 'alerts.webhook.url: http(s)://...' }),
          secretFile: absolutePath('file holding the HMAC-SHA256 key of the signature header').optional(),
        })
        .optional(),
      resendInterval: duration('alerts.resendInterval', 1000).default('1m'),
    })
    .default({ alertmanager: [], resendInterval: '1m' }),
  metrics: z
    .strictObject({
      listen: z
        .string()
        .regex(/^(off|(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|localhost):\d{1,5})$/, {
          message: "metrics.listen: ADDRESS:PORT (e.g. 127.0.0.1:9787) or 'off'",
        })
        .default('127.0.0.1:9787')
        .describe("where the agent serves /metrics for Prometheus, or 'off'"),
    })
    .default({ listen: '127.0.0.1:9787' }),
  drift: z
    .strictObject({
      watch: z
        .boolean()
        .default(true)
        .describe('watch the host for drift and heal it (false: apply new revisions only)'),
      checkInterval: duration('drift.checkInterval', 1000).default('30s'),
      maxHeals: z
        .number()
        .int()
        .min(1)
        .default(3)
        .describe('heals per drift class within healWindow before it counts as flapping'),
      healWindow: duration('drift.healWindow', 1000).default('10m'),
    })
    .default({ watch: true, checkInterval: '30s', maxHeals: 3, healWindow: '10m' }),
  policy: z
    .strictObject({
      writeRoots: z
        .array(absolutePath('write root').refine((p) => p !== '/', { message: 'a write root other than /' }))
        .min(1)
        .default(['/kuma/']),
      kumaDpUsers: z
        .array(kumaDpUser)
        .min(1)
        .default([{ name: 'kuma-dp', uid: 5678 }]),
    })
    .default({ writeRoots: ['/kuma/'], kumaDpUsers: [{ name: 'kuma-dp', uid: 5678 }] })
    .describe('what the repository may make this host do'),
});

/** What the operator wrote (raw) and what the agent runs with (defaults applied, durations in ms). */
export type AgentConfigFile = z.input<typeof agentConfigSchema>;
export type ParsedAgentConfig = z.output<typeof agentConfigSchema>;

export interface AgentConfig {
  file: string;
  host: string;
  source: Omit<ParsedAgentConfig['source'], 'pollInterval' | 'timeout'> & { pollMs: number; timeoutMs: number };
  verify: ParsedAgentConfig['verify'];
  stateDir: string;
  supervisor: 'process' | 'systemd';
  readyTimeoutMs: number;
  failPolicy: 'fail-open' | 'keep';
  policy: ParsedAgentConfig['policy'];
  drift: { watch: boolean; checkIntervalMs: number; maxHeals: number; healWindowMs: number };
  alerts: { alertmanager: string[]; webhook?: { url: string; secret?: string }; resendMs: number };
  /** Where /metrics is served; undefined: off. */
  metrics?: { host: string; port: number };
  /** Tests and the demo only: run every host command inside this network namespace. */
  netns?: string;
}
