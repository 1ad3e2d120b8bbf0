#!/usr/bin/env node
// Stand-in for `kuma-dp run` (REFERENCE §4): kuma-dp and Envoy cannot be installed in tests, so this takes their
// place for the reconciler, its tests and the demo. Needs `npm run build` (it imports the project's dist/ to render
// and validate the Dataplane exactly as the product does), Node 20, no write access anywhere, no network beyond
// its own listeners. Works as any user: `runuser -u kuma-dp -- test/standin/kuma-dp.mjs run ...`.
//
// Usage: kuma-dp.mjs run [flags]  (also: `version`, `help`, `run --help`)
//   Flags: every `kuma-dp run` flag of REFERENCE §4.1 (see flags.mjs), `--f=v` and `--f v`, `-d`/`-v` shorthands;
//   an unknown flag exits 1 with cobra's `Error: unknown flag: --x`. Env vars of §4.1 override flags when SET.
//   `--transparent-proxy[-config]` exist from 2.11 (version: KUMA_STANDIN_VERSION).
//
// What it does, in kuma-dp's order (§4.2): flags, env, token file check (never printed), tproxy config, render the
//   template with the --dataplane-var values and validate it (errors: printed on stderr, exit 1, nothing bound).
//   Then it listens on:
//   - readiness: KUMA_READINESS_PORT (9902) on 127.0.0.1, or ::1 when networking.address is IPv6. GET /ready:
//     503 NOT_READY until started, 200 READY, 503 TERMINATING after SIGTERM/SIGINT; other paths 404.
//   - inbound/outbound redirect ports, TCP: from the --transparent-proxy-config files (defaults 15006/15001, a
//     direction with `enabled: false` is not bound) if one is given, else networking.transparentProxying
//     redirectPortInbound/Outbound (0/absent: not bound). Each connection gets one line, then is closed:
//       kuma-dp-standin port=<local port> local=<local address> remote=<remote address>:<remote port>
//     (IPv6 remote in brackets). SO_ORIGINAL_DST cannot be read from Node, so the original destination is not shown.
//   - DNS, UDP, when DNS is enabled (--dns-enabled / KUMA_DNS_ENABLED, default true): KUMA_DNS_PROXY_PORT if
//     non-zero, else KUMA_DNS_CORE_DNS_PORT / --dns-coredns-port (15053). Every query is answered with its id and
//     question: type A -> A 127.0.0.53; any other type -> TXT "kuma-dp-standin port=<dns port>".
//   "Started" = every listener bound + KUMA_STANDIN_READY_AFTER_MS. On SIGTERM/SIGINT: TERMINATING for
//   min(--drain-time, KUMA_STANDIN_DRAIN_MS) then exit 0; a second signal exits 0 at once.
//
// Stand-in env (not kuma-dp's):
//   KUMA_STANDIN_VERSION=2.14.3            Kuma version to imitate (flag set, validation rules)
//   KUMA_STANDIN_READY_AFTER_MS=200        delay between "all bound" and ready
//   KUMA_STANDIN_DRAIN_MS=500              longest TERMINATING phase
//   KUMA_STANDIN_LISTEN_ADDRESSES=0.0.0.0,::   where redirect and DNS listeners bind (tests outside a network
//                                          namespace use 127.0.0.1,::1); an IPv6 address the host lacks is skipped
//   Failure switches:
//   KUMA_STANDIN_NEVER_READY=1             stays 503 NOT_READY forever
//   KUMA_STANDIN_NEVER_READY_IF_VAR=k=v    same, but only when --dataplane-var k has the value v (one bad revision)
//   KUMA_STANDIN_CRASH_AFTER_S=N           exits 1 N seconds (fractions allowed) after validation
//   KUMA_STANDIN_EXIT_AT_START=CODE        exits with CODE right after the flags are parsed
//   KUMA_STANDIN_NO_VERSION=1              `version` fails like an unknown command (exit 1)
//
// Log: one line per event on stdout, `<ISO time>\tINFO\t<event>\t<JSON>`: starting (pid, uid), flags parsed,
// env applied, effective config (secrets redacted), rendered resource, listening, ready, terminating, exiting.
// Errors go to stderr as `Error: ...`, like cobra.
// Under runuser the process is `node .../kuma-dp.mjs run ...` (shebang via env), a child of runuser; runuser
// forwards SIGTERM but SIGKILLs its child 2 s later, so signal the pid from the `starting` line to drain.
// A client for its listeners that works inside namespaces and as any user: probe.mjs next to this file.
import { isIPv6 } from 'node:net';
import { listenDns } from './dns.mjs';
import { applyEnv, parseRunFlags, redacted, usage } from './flags.mjs';
import { hostPort, listenMarker, listenReadiness } from './listeners.mjs';
import { checkTokenFile, fail, loadProject, loadTproxy, log, numberEnv, renderDataplane } from './prepare.mjs';

async function main(argv) {
  const project = await loadProject();
  const versionText = process.env.KUMA_STANDIN_VERSION || project.DEFAULT_KUMA_VERSION;
  let version;
  try {
    version = project.parseKumaVersion(versionText);
  } catch (error) {
    fail(`KUMA_STANDIN_VERSION: ${error.message}`);
  }
  const [command, ...args] = argv;
  if (command === undefined || ['help', '-h', '--help'].includes(command)) {
    process.stdout.write(usage());
    process.exit(0);
  }
  // A binary that does not answer `version` (a wrapper script, say): adopt must then read the version off the rules.
  if (command === 'version' && process.env.KUMA_STANDIN_NO_VERSION === '1')
    fail('unknown command "version" for "kuma-dp"');
  if (command === 'version') {
    process.stdout.write(`kuma-dp-standin ${versionText}\n`);
    process.exit(0);
  }
  if (command !== 'run') fail(`unknown command "${command}" for "kuma-dp"`);

  const parsed = parseRunFlags(args, { minor: version.minor, parseDuration: project.parseGoDuration });
  if (parsed.error) fail(parsed.error);
  const { values, given } = parsed;
  if (values.help) {
    process.stdout.write(usage());
    process.exit(0);
  }
  // pflag rejects a bad --dataplane-var while parsing, so this is still a flag error.
  for (const raw of values['dataplane-var']) {
    const [error] = project.parseDataplaneVarFlags([raw]).errors;
    if (error) fail(`invalid argument "${raw}" for "-v, --dataplane-var" flag: ${error}`);
  }
  log('starting', { pid: process.pid, uid: process.getuid?.(), version: versionText });
  const shown = redacted(values);
  log('flags parsed', { flags: Object.fromEntries([...given].map((k) => [k, shown[k]])), args: parsed.positional });

  const exitAtStart = process.env.KUMA_STANDIN_EXIT_AT_START;
  if (exitAtStart !== undefined && exitAtStart !== '') {
    const code = Number(exitAtStart);
    if (!Number.isInteger(code) || code < 0 || code > 255) fail('KUMA_STANDIN_EXIT_AT_START must be 0..255');
    log('exiting', { code, reason: 'KUMA_STANDIN_EXIT_AT_START' });
    process.exit(code);
  }

  const env = applyEnv(values, process.env, { parseDuration: project.parseGoDuration });
  if (env.error) fail(env.error);
  log('env applied', { vars: env.applied });
  return run(project, version, values);
}

async function run(project, version, values) {
  const portSetting = (name, label, min) => {
    const port = values[name];
    if (port < min || port > 65535) fail(`${label} must be in the range ${min}..65535, got ${port}`);
    return port;
  };
  const readinessPort = portSetting('readiness-port', 'KUMA_READINESS_PORT', 1);
  const proxyTypes = version.minor <= 14 ? ['dataplane', 'ingress', 'egress'] : ['dataplane'];
  if (!proxyTypes.includes(values['proxy-type'])) fail(`invalid proxy type "${values['proxy-type']}"`);
  if (values['dataplane-token-file'] !== '') checkTokenFile(values['dataplane-token-file']);

  const tproxy = loadTproxy(project, values);
  log('effective config', redacted(values));

  const vars = project.parseDataplaneVarFlags(values['dataplane-var']).vars;
  const dataplane = renderDataplane(project, version, values, vars);

  const tp = dataplane?.transparentProxying;
  const direction = (d, fromDataplane) => (tproxy ? (tproxy[d].enabled ? tproxy[d].port : 0) : (fromDataplane ?? 0));
  const inboundPort = direction('inbound', tp?.redirectPortInbound?.value);
  const outboundPort = direction('outbound', tp?.redirectPortOutbound?.value);
  let dnsPort;
  if (values['dns-enabled']) {
    // ≤2.14: a non-zero KUMA_DNS_PROXY_PORT replaces CoreDNS with the embedded DNS proxy (§4.1).
    dnsPort =
      values['dns-proxy-port'] !== 0
        ? portSetting('dns-proxy-port', 'KUMA_DNS_PROXY_PORT', 0)
        : portSetting('dns-coredns-port', '--dns-coredns-port/KUMA_DNS_CORE_DNS_PORT', 0);
  }
  const readinessAddress = isIPv6(dataplane?.address?.value ?? '') ? '::1' : '127.0.0.1';
  const addresses = (process.env.KUMA_STANDIN_LISTEN_ADDRESSES || '0.0.0.0,::').split(',').map((a) => a.trim());

  const [neverKey, ...neverValue] = (process.env.KUMA_STANDIN_NEVER_READY_IF_VAR ?? '').split('=');
  const neverReady =
    process.env.KUMA_STANDIN_NEVER_READY === '1'
      ? 'KUMA_STANDIN_NEVER_READY=1'
      : neverKey !== '' && vars.get(neverKey) === neverValue.join('=')
        ? `KUMA_STANDIN_NEVER_READY_IF_VAR=${process.env.KUMA_STANDIN_NEVER_READY_IF_VAR}`
        : undefined;
  const readyAfter = numberEnv('KUMA_STANDIN_READY_AFTER_MS', 200);
  const crashAfter = numberEnv('KUMA_STANDIN_CRASH_AFTER_S', undefined);
  const drain = project.parseGoDuration(values['drain-time']);
  const drainMs = Math.min(numberEnv('KUMA_STANDIN_DRAIN_MS', 500), Number(drain.nanoseconds / 1_000_000n));

  let state = 'starting';
  const stop = (signal) => {
    if (state === 'terminating') {
      log('exiting', { code: 0, signal, reason: 'second signal' });
      process.exit(0);
    }
    state = 'terminating';
    log('terminating', { signal, drainMs });
    setTimeout(() => {
      log('exiting', { code: 0 });
      process.exit(0);
    }, drainMs);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (crashAfter !== undefined) {
    setTimeout(() => {
      log('crashing', { afterSeconds: crashAfter, reason: 'KUMA_STANDIN_CRASH_AFTER_S' });
      fail(`crashed after ${crashAfter}s (KUMA_STANDIN_CRASH_AFTER_S)`);
    }, crashAfter * 1000);
  }

  try {
    await listenReadiness(readinessAddress, readinessPort, () => state, log);
    if (inboundPort > 0) await listenMarker('inbound', inboundPort, addresses, log);
    if (outboundPort > 0) await listenMarker('outbound', outboundPort, addresses, log);
    if (dnsPort !== undefined && dnsPort > 0) await listenDns(dnsPort, addresses, log);
  } catch (error) {
    fail(error.message);
  }
  if (neverReady) {
    log('never ready', { reason: neverReady });
    return;
  }
  setTimeout(() => {
    if (state !== 'starting') return;
    state = 'ready';
    log('ready', { readiness: hostPort(readinessAddress, readinessPort), inboundPort, outboundPort, dnsPort });
  }, readyAfter);
}

await main(process.argv.slice(2));
