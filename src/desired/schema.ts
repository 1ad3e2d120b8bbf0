import * as z from 'zod';
import { DRIFT_CLASSES, type DriftClass } from '../model/drift-class.js';
import { hostFactsSchema } from '../tproxy/rules/host-facts-schema.js';

/**
 * The files a user writes in a desired-state repo. Every type here is the *raw file* stage: fields are optional
 * because fleet.yaml, groups/*.yaml and hosts/*.yaml layer on top of each other (objects merge key by key, lists
 * replace, like kumactl's config files). Required fields are checked after layering (compose-host.ts).
 */

const port = z.number().int().min(1).max(65535);
/** Absolute path on the host. `${host}` is replaced by the host name, so fleet defaults can name per-host files. */
const hostPath = z.string().min(1);
/** A path inside the desired-state repo, relative to its root. */
const repoPath = z.string().min(1);

const kumaDpSettingsSchema = z
  .strictObject({
    user: z.string().min(1).optional().describe('User kuma-dp runs as (runuser -u). Default kuma-dp.'),
    uid: z.number().int().min(0).max(65535).optional().describe('UID of that user. Default 5678, as the guide.'),
    binary: hostPath.optional().describe('kuma-dp binary. Default /usr/local/bin/kuma-dp.'),
    envoyBinary: hostPath.optional().describe('--binary-path (Envoy). Default /usr/local/bin/envoy.'),
    corednsBinary: hostPath.optional().describe('--dns-coredns-path. Default /usr/local/bin/coredns.'),
    cpAddress: z.string().min(1).optional().describe('--cp-address, e.g. https://kuma-cp.internal:5678.'),
    caCertFile: hostPath.optional().describe('--ca-cert-file: CA of the control plane certificate.'),
    tokenFile: hostPath
      .optional()
      .describe('--dataplane-token-file. Only the path: the token itself never goes into the repo.'),
    dataplaneFile: hostPath
      .optional()
      .describe('--dataplane-file: where the Dataplane template is written on the host.'),
    tproxyConfigFile: hostPath.optional().describe('Where the effective transparent-proxy config file is written.'),
    writeTproxyConfigFile: z
      .boolean()
      .optional()
      .describe(
        'Keep a copy of the effective tproxy config at tproxyConfigFile (for kumactl and people). Default true; false for a host adopted from a hand install, which has none. Required when passTproxyConfig is set.',
      ),
    passTproxyConfig: z
      .boolean()
      .optional()
      .describe('Kuma 2.11+: also pass --transparent-proxy-config to kuma-dp, so redirect ports come from one file.'),
    dns: z
      .strictObject({
        enabled: z.boolean().optional().describe('--dns-enabled. Default true.'),
        corednsPort: port.optional().describe('--dns-coredns-port: must equal redirect.dns.port. Default 15053.'),
        envoyPort: port.optional().describe('--dns-envoy-port. Default 15054.'),
      })
      .optional(),
    readinessPort: port.optional().describe('KUMA_READINESS_PORT. Default 9902.'),
    extraArgs: z.array(z.string()).optional().describe('More `kuma-dp run` flags, appended after the generated ones.'),
    env: z
      .record(z.string(), z.string())
      .optional()
      .describe('Environment of kuma-dp. Env vars override flags in kuma-dp.'),
  })
  .describe('How kuma-dp runs on the host.');

const serviceSettingsSchema = z.strictObject({
  user: z.string().min(1).optional().describe('User the service runs as; must differ from the kuma-dp user.'),
  uid: z.number().int().min(0).optional().describe('UID of the service user, when known.'),
  ports: z.array(port).optional().describe('Ports the service listens on.'),
});

const safetySettingsSchema = z.strictObject({
  sshPort: port.optional().describe('SSH port that must stay out of inbound redirection. Default 22.'),
  allowSshRedirect: z
    .boolean()
    .optional()
    .describe('Waive the SSH exclusion check (the host is reached another way). Default false.'),
});

const dataplaneVarValue = z.union([z.string(), z.number(), z.boolean()]);

const dataplaneSettingsSchema = z.strictObject({
  template: repoPath.optional().describe('Dataplane template (Kuma YAML with mustache placeholders), repo-relative.'),
  vars: z
    .record(z.string(), dataplaneVarValue)
    .optional()
    .describe('Passed to kuma-dp as --dataplane-var=key=value, in this order (layers merge key by key).'),
});

const driftSettingsSchema = z
  .strictObject(
    Object.fromEntries(DRIFT_CLASSES.map((c) => [c, z.enum(['heal', 'alert']).optional()])) as Record<
      DriftClass,
      z.ZodOptional<z.ZodEnum<{ heal: 'heal'; alert: 'alert' }>>
    >,
  )
  .refine((d) => d['token-problem'] !== 'heal', {
    message: 'token-problem can only be alerted: the agent cannot make a dataplane token',
    path: ['token-problem'],
  })
  .refine((d) => d.shadowed !== 'heal', {
    message:
      "shadowed can only be alerted: the native nftables chain that runs before Kuma's belongs to another tool (firewalld, kube-proxy, nftables.service)",
    path: ['shadowed'],
  })
  .describe(
    'What the agent does about each class of drift: heal it (the default) or only alert (token-problem and shadowed: alert only).',
  );

const waveSchema = z
  .number()
  .int()
  .min(0)
  .max(100)
  .describe(
    'Rollout wave: 0 = canaries (the default). Wave N applies a new revision N x waveDelay after its agent first saw it.',
  );

const waveDelaySchema = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'a duration such as 30s, 10m or 1h')
  .describe('Time between waves, counted from when each agent first saw the revision. Default 0s (no waves).');

/** Fleet-wide: the delay and the gate must be the same for every wave, or the waves would not be in order. */
const fleetRolloutSchema = z
  .strictObject({
    wave: waveSchema.optional(),
    waveDelay: waveDelaySchema.optional(),
    gate: z
      .enum(['none', 'alertmanager'])
      .optional()
      .describe(
        "alertmanager: before applying, ask the agents' Alertmanager whether a rollback or flapping alert for that revision is firing on any host; if so, hold it.",
      ),
  })
  .describe('Progressive rollout across the fleet.');

const layerRolloutSchema = z.strictObject({ wave: waveSchema.optional() }).describe("This group's or host's wave.");

const pausedSchema = z
  .boolean()
  .optional()
  .describe('Stop applying new revisions here (drift is still repaired against the last good one).');

/** Settings every layer may set. */
const layerShape = {
  paused: pausedSchema,
  drift: driftSettingsSchema.optional(),
  dataplane: dataplaneSettingsSchema.optional(),
  kumaVersion: z.string().min(1).optional().describe('Target Kuma version, e.g. 2.14.3 (supported: 2.9 to 2.14).'),
  tproxyConfig: repoPath
    .optional()
    .describe('Kuma transparent-proxy config file (kumactl --config format) layered at this level.'),
  kumaDp: kumaDpSettingsSchema.optional(),
  service: serviceSettingsSchema.optional(),
  safety: safetySettingsSchema.optional(),
  hostFacts: hostFactsSchema
    .strict()
    .optional()
    .describe(
      'What kumactl would discover on the host (loopback name, users, resolv.conf nameservers, IPv6, modules): used to compute the rules for review. The reconciler reads the live host instead.',
    ),
};

export const fleetFileSchema = z
  .strictObject({ ...layerShape, rollout: fleetRolloutSchema.optional() })
  .describe('fleet.yaml: defaults for every host.');
export const groupFileSchema = z
  .strictObject({ ...layerShape, rollout: layerRolloutSchema.optional() })
  .describe('groups/<name>.yaml: defaults for member hosts.');

export const hostFileSchema = z
  .strictObject({
    ...layerShape,
    rollout: layerRolloutSchema.optional(),
    name: z.string().min(1).optional().describe('Host name. Default: the file name without .yaml.'),
    groups: z.array(z.string().min(1)).optional().describe('Groups applied in order, after fleet.yaml.'),
  })
  .describe('hosts/<name>.yaml: one host.');

export type FleetFile = z.infer<typeof fleetFileSchema>;
export type GroupFile = z.infer<typeof groupFileSchema>;
export type HostFile = z.infer<typeof hostFileSchema>;
