// `kuma-dp run` flags and env vars (REFERENCE §4.1), parsed like cobra/pflag, then env applied on top
// (kuma-dp's PreRunE runs envconfig after cobra, so a SET env var beats the flag).

/** kind: string | bool | uint | int | duration | array (repeatable) | map (pflag StringToString). */
const FLAGS = [
  ['cp-address', 'string', 'KUMA_CONTROL_PLANE_URL', 'https://localhost:5678'],
  ['ca-cert-file', 'string', 'KUMA_CONTROL_PLANE_CA_CERT_FILE', ''],
  ['skip-verify', 'bool', 'KUMA_CONTROL_PLANE_TLS_SKIP_VERIFY', false],
  ['dataplane-token-file', 'string', 'KUMA_DATAPLANE_RUNTIME_TOKEN_PATH', ''],
  ['dataplane-token', 'string', 'KUMA_DATAPLANE_RUNTIME_TOKEN', ''],
  ['dataplane-file', 'string', 'KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH', '', 'd'],
  ['dataplane', 'string', 'KUMA_DATAPLANE_RUNTIME_RESOURCE', ''],
  ['dataplane-var', 'map', undefined, [], 'v'],
  ['name', 'string', 'KUMA_DATAPLANE_NAME', ''],
  ['mesh', 'string', 'KUMA_DATAPLANE_MESH', ''],
  ['proxy-type', 'string', 'KUMA_DATAPLANE_PROXY_TYPE', 'dataplane'],
  ['drain-time', 'duration', 'KUMA_DATAPLANE_DRAIN_TIME', '30s'],
  ['binary-path', 'string', 'KUMA_DATAPLANE_RUNTIME_BINARY_PATH', 'envoy'],
  ['concurrency', 'uint', 'KUMA_DATAPLANE_RUNTIME_CONCURRENCY', 0],
  ['work-dir', 'string', 'KUMA_DATAPLANE_RUNTIME_WORK_DIR', ''],
  ['config-dir', 'string', undefined, ''], // deprecated (≤2.14), still accepted
  ['dns-enabled', 'bool', 'KUMA_DNS_ENABLED', true],
  ['dns-coredns-port', 'uint', 'KUMA_DNS_CORE_DNS_PORT', 15053],
  ['dns-envoy-port', 'uint', 'KUMA_DNS_ENVOY_DNS_PORT', 15054],
  ['dns-coredns-path', 'string', 'KUMA_DNS_CORE_DNS_BINARY_PATH', 'coredns'],
  ['dns-coredns-config-template-path', 'string', 'KUMA_DNS_CORE_DNS_CONFIG_TEMPLATE_PATH', ''],
  ['dns-server-config-dir', 'string', 'KUMA_DNS_CONFIG_DIR', ''],
  ['dns-prometheus-port', 'uint', 'KUMA_DNS_PROMETHEUS_PORT', 19153],
  ['dns-enable-logging', 'bool', 'KUMA_DNS_ENABLE_LOGGING', false],
  ['transparent-proxy', 'bool', undefined, false, undefined, 11],
  ['transparent-proxy-config', 'array', undefined, [], undefined, 11],
  ['bind-outbounds', 'bool', 'KUMA_DATAPLANE_RUNTIME_BIND_OUTBOUNDS', false],
  ['log-level', 'string', undefined, 'info'],
  ['log-output-path', 'string', undefined, ''],
  ['log-max-size', 'int', undefined, 100],
  ['log-max-retained-files', 'int', undefined, 1000],
  ['log-max-age', 'int', undefined, 30],
  ['help', 'bool', undefined, false, 'h'],
].map(([name, kind, env, def, short, sinceMinor]) => ({ name, kind, env, def, short, sinceMinor }));

/** Settings that only an env var sets (no flag exists). */
const ENV_ONLY = [
  ['readiness-port', 'uint', 'KUMA_READINESS_PORT', 9902],
  ['dns-proxy-port', 'uint', 'KUMA_DNS_PROXY_PORT', 0],
  ['ca-cert', 'string', 'KUMA_CONTROL_PLANE_CA_CERT', ''],
].map(([name, kind, env, def]) => ({ name, kind, env, def }));

/** Values that must never reach a log line. */
export const SECRET_SETTINGS = new Set(['dataplane-token', 'ca-cert']);

// strconv.ParseBool, used by pflag and envconfig alike.
const BOOLS = { 1: true, t: true, T: true, TRUE: true, true: true, True: true };
const FALSES = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function convert(kind, text, parseDuration) {
  if (kind === 'bool') {
    if (BOOLS[text]) return { value: true };
    if (FALSES.includes(text)) return { value: false };
    return { error: `strconv.ParseBool: parsing "${text}": invalid syntax` };
  }
  if (kind === 'uint' || kind === 'int') {
    const re = kind === 'uint' ? /^\+?\d+$/ : /^[+-]?\d+$/;
    const limit = kind === 'uint' ? 2 ** 32 - 1 : 2 ** 63 - 1;
    const fn = kind === 'uint' ? 'ParseUint' : 'ParseInt';
    if (!re.test(text)) return { error: `strconv.${fn}: parsing "${text}": invalid syntax` };
    if (Math.abs(Number(text)) > limit) return { error: `strconv.${fn}: parsing "${text}": value out of range` };
    return { value: Number(text) };
  }
  if (kind === 'duration') {
    const d = parseDuration(text);
    return d.ok ? { value: text } : { error: d.message };
  }
  return { value: text };
}

const flagLabel = (f) => (f.short ? `-${f.short}, --${f.name}` : `--${f.name}`);

/**
 * Parses `kuma-dp run` arguments (without `run`) like pflag: `--f=v`, `--f v`, `-d v`, `-dv`, `-d=v`; bool flags
 * take a value only after `=`; `--` ends flags. Returns { values, given, positional } or { error } (cobra's text).
 */
export function parseRunFlags(args, { minor, parseDuration }) {
  const known = FLAGS.filter((f) => f.sinceMinor === undefined || minor >= f.sinceMinor);
  const values = Object.fromEntries([...FLAGS, ...ENV_ONLY].map((f) => [f.name, structuredClone(f.def)]));
  const given = new Set();
  const positional = [];
  const set = (f, text) => {
    if (f.kind === 'array' || f.kind === 'map') {
      if (!given.has(f.name)) values[f.name] = [];
      values[f.name].push(text);
    } else {
      const r = convert(f.kind, text, parseDuration);
      if (r.error) return `invalid argument "${text}" for "${flagLabel(f)}" flag: ${r.error}`;
      values[f.name] = r.value;
    }
    given.add(f.name);
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    let flag;
    let inline;
    let needs;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      flag = known.find((f) => f.name === name);
      if (!flag) return { error: `unknown flag: --${name}` };
      needs = `--${name}`;
    } else if (arg.startsWith('-') && arg.length > 1) {
      const c = arg[1];
      flag = known.find((f) => f.short === c);
      if (!flag) return { error: `unknown shorthand flag: '${c}' in ${arg}` };
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
      needs = `'${c}' in -${c}`;
    } else {
      positional.push(arg); // cobra accepts stray args for `run`; kuma-dp ignores them
      continue;
    }
    if (inline === undefined) {
      if (flag.kind === 'bool') inline = 'true';
      else if (i + 1 < args.length) inline = args[++i];
      else return { error: `flag needs an argument: ${needs}` };
    }
    const error = set(flag, inline);
    if (error) return { error };
  }
  return { values, given, positional };
}

/** envconfig on top of the flags: every env var that is SET (even empty) wins. Returns the names applied. */
export function applyEnv(values, env, { parseDuration }) {
  const applied = [];
  for (const f of [...FLAGS, ...ENV_ONLY]) {
    if (!f.env || env[f.env] === undefined) continue;
    const r = convert(f.kind, env[f.env], parseDuration);
    if (r.error) return { error: `envconfig: assigning ${f.env}: converting '${env[f.env]}': ${r.error}` };
    values[f.name] = r.value;
    applied.push(f.env);
  }
  return { applied };
}

/** The settings for a log line, secrets replaced by `<redacted>` when set. */
export function redacted(values) {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, SECRET_SETTINGS.has(k) && v !== '' ? '<redacted>' : v]),
  );
}

export function usage() {
  const lines = FLAGS.map((f) => `  ${flagLabel(f).padEnd(40)} ${f.env ? `(env ${f.env})` : ''}`);
  return `Usage:\n  kuma-dp run [flags]\n\nFlags:\n${lines.join('\n')}\n`;
}
