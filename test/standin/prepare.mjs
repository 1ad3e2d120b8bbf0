// The steps of `kuma-dp run` before anything listens (REFERENCE §4.2): files, token, tproxy config, template.
// Rendering and validation are the project's own modules from dist/, so the stand-in fails exactly where the
// product predicts kuma-dp fails.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

export const log = (event, details = {}) =>
  process.stdout.write(`${new Date().toISOString()}\tINFO\t${event}\t${JSON.stringify(details)}\n`);

export function fail(message, code = 1) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(code);
}

/** Non-negative number from a stand-in env var, or `def` when unset. */
export function numberEnv(name, def) {
  const text = process.env[name];
  if (text === undefined || text === '') return def;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) fail(`${name} must be a non-negative number, got "${text}"`);
  return n;
}

export async function loadProject() {
  try {
    // Literal specifiers, so that the sandbox copy (test/support/sandbox-tools.ts) can bundle them into one file.
    const modules = await Promise.all([
      import('../../dist/render/dataplane-vars.js'),
      import('../../dist/render/mustache.js'),
      import('../../dist/validate/dataplane.js'),
      import('../../dist/tproxy/load-config.js'),
      import('../../dist/versions.js'),
      import('../../dist/issues.js'),
      import('../../dist/tproxy/go-duration.js'),
    ]);
    return Object.assign({}, ...modules);
  } catch (error) {
    return fail(`the stand-in imports the project's dist/: run npm run build first (${error.message})`);
  }
}

// Go's *PathError text, which kuma-dp's messages embed.
const ERRNO = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory' };
const goError = (op, path, error) => `${op} ${path}: ${ERRNO[error.code] ?? error.message}`;

let stdinText;
export function readSource(path) {
  if (path === '-') {
    stdinText ??= readFileSync(0, 'utf8');
    return stdinText;
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return fail(`could not read file ${path}: ${goError('open', path, error)}`);
  }
}

/** kumadp_config.ValidateTokenPath plus the open kuma-dp does later: exists, non-empty, readable by this user. */
export function checkTokenFile(path) {
  const prefix =
    'dataplane token is invalid, in Kubernetes you must mount a serviceAccount token, in universal you must start your proxy with a generated token.';
  let fd;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.size === 0) fail(`${prefix}: token under file ${path} is empty`);
  } catch (error) {
    fail(`${prefix}: could not read file ${path}: ${goError('open', path, error)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Only these keys of a tproxy config matter to kuma-dp (§4.5); problems elsewhere in a shared file are not its business. */
const TPROXY_KEYS = [
  'ipfamilymode',
  'redirect.inbound.enabled',
  'redirect.inbound.port',
  'redirect.outbound.enabled',
  'redirect.outbound.port',
];
const concernsKumaDp = (path = '') => {
  const p = path.toLowerCase();
  return p === '' || TPROXY_KEYS.some((k) => k === p || k.startsWith(`${p}.`) || p.startsWith(`${k}.`));
};

/** `--transparent-proxy[-config]` (2.11+, §4.5): the redirect part of the tproxy config, or undefined without the flags. */
export function loadTproxy(project, values) {
  const files = values['transparent-proxy-config'].map((f) => f.trim()).filter((f) => f !== '');
  if (!values['transparent-proxy'] && files.length === 0) return undefined;
  const sources = files.map((file) => ({ file, text: readSource(file) }));
  const { config, issues } = project.loadTproxyConfigSources(sources);
  const errors = issues.filter((i) => i.severity === 'error' && concernsKumaDp(i.path));
  if (errors.length > 0) fail(`transparent proxy config:\n${errors.map(project.formatIssue).join('\n')}`);
  const pick = (d) => ({ enabled: d.enabled, port: d.port });
  const tproxy = { ipFamilyMode: config.ipFamilyMode, inbound: pick(config.redirect.inbound) };
  tproxy.outbound = pick(config.redirect.outbound);
  log('transparent proxy config', { files, ...tproxy });
  return tproxy;
}

/** §4.4: render the template with the vars, log it, validate it; invalid -> the validator's errors and exit 1. */
export function renderDataplane(project, version, values, vars) {
  const file = values['dataplane-file'];
  const template = file !== '' ? readSource(file) : values.dataplane;
  if (template === '') {
    log('no dataplane template', { name: values.name, mesh: values.mesh });
    return undefined;
  }
  if (values.name !== '' || values.mesh !== '') {
    fail(
      '--name and --mesh cannot be specified when a dataplane definition is provided, mesh and name will be read from the dataplane definition',
    );
  }
  const { data, collisions } = project.nestDataplaneVars(vars);
  for (const c of collisions) log('dataplane vars collide', { key: c.key, vars: c.vars, kept: c.vars.at(-1) });
  const rendered = project.renderKumaDpTemplate(template, data);
  log('rendered resource', { resource: rendered });
  const label = `${file !== '' ? file : '--dataplane'} (rendered Dataplane)`;
  const result = project.validateRenderedDataplane(rendered, { file: label, version });
  const errors = result.issues.filter((i) => i.severity === 'error');
  for (const w of result.issues.filter((i) => i.severity === 'warning')) log('dataplane warning', w);
  if (errors.length > 0) fail(`invalid Dataplane:\n${errors.map(project.formatIssue).join('\n')}`);
  return result.dataplane;
}
