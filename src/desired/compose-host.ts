import { error, type Issue } from '../issues.js';
import { DRIFT_DEFAULTS } from '../model/drift-class.js';
import { closest } from '../suggest.js';
import { parseGoDuration } from '../tproxy/go-duration.js';
import { DEFAULT_KUMA_VERSION, type KumaVersion, parseKumaVersion } from '../versions.js';
import { type DesiredHost, HOST_PLACEHOLDER, KUMA_DP_DEFAULTS, SAFETY_DEFAULTS } from './desired-host.js';
import type { Layer, LoadedRepo } from './load-repo.js';
import { mergeLayers } from './merge-layers.js';
import { baseName, FLEET_FILE, GROUPS_DIR } from './repo-paths.js';
import type { FleetFile, HostFile } from './schema.js';

export interface ComposedHost {
  host: DesiredHost | undefined;
  issues: Issue[];
  /** Every repo file this host's result depends on (its layers and their references). */
  deps: string[];
}

/** Layer fleet -> groups -> host, apply defaults and check that what must be set is set. */
export function composeHost(repo: LoadedRepo, entry: LoadedRepo['hosts'][number]): ComposedHost {
  const issues: Issue[] = [];
  const hostLayer = entry.layer;
  if (!hostLayer) return { host: undefined, issues, deps: [entry.file] };

  const groupLayers: Layer<object>[] = [];
  const brokenDeps = repo.broken.has(FLEET_FILE) ? [FLEET_FILE] : [];
  for (const [i, name] of (hostLayer.data.groups ?? []).entries()) {
    const group = repo.groups.get(name);
    if (group) {
      groupLayers.push(group);
      continue;
    }
    const brokenGroup = [...repo.broken].find((f) => f.startsWith(GROUPS_DIR) && baseName(f) === name);
    if (brokenGroup) {
      brokenDeps.push(brokenGroup);
      continue;
    }
    const guess = closest(name, [...repo.groups.keys()]);
    issues.push(
      error({
        code: 'host.unknown-group',
        file: entry.file,
        line: hostLayer.source.lineOf(['groups', i]),
        path: `groups[${i}]`,
        message: `group '${name}' does not exist (no groups/${name}.yaml)`,
        hint: guess ? `did you mean '${guess}'?` : 'create the group file or remove it',
      }),
    );
  }
  const layers: Layer<object>[] = [...(repo.fleet ? [repo.fleet] : []), ...groupLayers, hostLayer];
  const deps = [...brokenDeps, ...layers.flatMap((l) => [l.file, ...l.refs.values()])];
  // A broken shared file is reported on its own; composing without it would only add misleading follow-up errors.
  if (brokenDeps.length > 0) return { host: undefined, issues, deps };
  const merged = mergeLayers(layers.map((l) => l.data as HostFile));
  const at = (path: string) => ({ file: entry.file, path });
  const sub = (s: string) => s.replaceAll(HOST_PLACEHOLDER, entry.name);

  let kumaVersion: KumaVersion | undefined;
  try {
    kumaVersion = parseKumaVersion(merged.kumaVersion ?? DEFAULT_KUMA_VERSION);
  } catch (e) {
    issues.push(error({ code: 'host.kuma-version', ...at('kumaVersion'), message: (e as Error).message }));
  }
  const templatePath = layers.findLast((l) => l.refs.has('template'))?.refs.get('template');
  if (merged.dataplane?.template === undefined) {
    issues.push(
      error({
        code: 'host.no-template',
        ...at('dataplane.template'),
        message: 'dataplane.template is not set in fleet.yaml, the host groups or this file',
        hint: 'point it at a Dataplane template in the repo, e.g. templates/dataplane.yaml',
      }),
    );
  }
  const kd = merged.kumaDp ?? {};
  if (!kd.cpAddress) {
    issues.push(
      error({
        code: 'host.no-cp-address',
        ...at('kumaDp.cpAddress'),
        message: 'kumaDp.cpAddress is not set in fleet.yaml, the host groups or this file',
        hint: "set the control plane URL, e.g. https://kuma-cp.internal:5678 (kuma-dp's default, localhost, would mean a control plane on this host)",
      }),
    );
  }
  const service = merged.service ?? {};
  if (!service.user) {
    issues.push(
      error({
        code: 'host.no-service-user',
        ...at('service.user'),
        message: 'service.user is not set',
        hint: 'name the user the service runs as: it must differ from the kuma-dp user or the transparent proxy breaks its traffic',
      }),
    );
  }
  const tproxyConfigPaths = layers.flatMap((l) => (l.refs.has('tproxyConfig') ? [l.refs.get('tproxyConfig')!] : []));
  if (issues.length > 0 || !kumaVersion || !templatePath || !kd.cpAddress || !service.user) {
    return { host: undefined, issues, deps };
  }

  const host: DesiredHost = {
    name: entry.name,
    file: entry.file,
    kumaVersion,
    layers,
    dataplane: {
      templatePath,
      vars: Object.entries(merged.dataplane?.vars ?? {}).map(([k, v]) => [k, String(v)]),
    },
    tproxyConfigPaths,
    kumaDp: {
      user: kd.user ?? KUMA_DP_DEFAULTS.user,
      uid: kd.uid ?? KUMA_DP_DEFAULTS.uid,
      binary: sub(kd.binary ?? KUMA_DP_DEFAULTS.binary),
      envoyBinary: sub(kd.envoyBinary ?? KUMA_DP_DEFAULTS.envoyBinary),
      corednsBinary: sub(kd.corednsBinary ?? KUMA_DP_DEFAULTS.corednsBinary),
      cpAddress: sub(kd.cpAddress),
      caCertFile: kd.caCertFile === undefined ? undefined : sub(kd.caCertFile),
      tokenFile: sub(kd.tokenFile ?? KUMA_DP_DEFAULTS.tokenFile),
      dataplaneFile: sub(kd.dataplaneFile ?? KUMA_DP_DEFAULTS.dataplaneFile),
      tproxyConfigFile: sub(kd.tproxyConfigFile ?? KUMA_DP_DEFAULTS.tproxyConfigFile),
      writeTproxyConfigFile: kd.writeTproxyConfigFile ?? KUMA_DP_DEFAULTS.writeTproxyConfigFile,
      passTproxyConfig: kd.passTproxyConfig ?? KUMA_DP_DEFAULTS.passTproxyConfig,
      dns: { ...KUMA_DP_DEFAULTS.dns, ...kd.dns },
      readinessPort: kd.readinessPort ?? KUMA_DP_DEFAULTS.readinessPort,
      extraArgs: (kd.extraArgs ?? []).map(sub),
      env: kd.env ?? {},
    },
    service: { user: service.user, uid: service.uid, ports: service.ports ?? [] },
    safety: { ...SAFETY_DEFAULTS, ...merged.safety },
    rollout: rolloutOf(merged, layers),
    drift: { ...DRIFT_DEFAULTS, ...merged.drift },
    hostFacts: merged.hostFacts ?? {},
  };
  return { host, issues, deps };
}

/** Waves count from when each agent first saw a revision; a delay of 0 (the default) means no waves. */
function rolloutOf(merged: Partial<HostFile> & { rollout?: FleetFile['rollout'] }, layers: readonly Layer<unknown>[]) {
  const delay = merged.rollout?.waveDelay === undefined ? undefined : parseGoDuration(merged.rollout.waveDelay);
  const pausedBy = [...layers].reverse().find((l) => (l.data as { paused?: boolean }).paused !== undefined);
  return {
    wave: merged.rollout?.wave ?? 0,
    waveDelayMs: delay?.ok ? Number(delay.nanoseconds / 1_000_000n) : 0,
    gate: merged.rollout?.gate ?? 'none',
    paused: merged.paused ?? false,
    ...(merged.paused ? { pausedBy: pausedBy?.file } : {}),
  };
}
