import type { HostFile } from '../desired/schema.js';
import { parseDataplaneVarFlags } from '../render/dataplane-vars.js';
import { kumaDpRunMeaning, parseKumaDpRun } from '../render/kuma-dp-argv.js';
import { GENERATED_FLAGS } from '../render/kuma-dp-command.js';

/**
 * What a running kuma-dp's command line and environment say in the desired state's own terms: the `kumaDp:`
 * settings, the Dataplane vars, the template file it reads. Pure. Only what kuma-gitops can write back is read;
 * the rest is a problem naming the word, and the adoption stops there.
 */
export interface AdoptedKumaDp {
  kumaDp: NonNullable<HostFile['kumaDp']>;
  vars: Record<string, string | number>;
  /** --dataplane-file: the template kuma-dp renders at start. */
  templatePath: string | undefined;
  /** --transparent-proxy-config (2.11+), when given. */
  tproxyConfigPath: string | undefined;
  problems: string[];
}

const WRAPPED = /^(?:runuser) -u (\S+) --$/;

export function adoptKumaDpCommand(argv: readonly string[], env: Readonly<Record<string, string>>): AdoptedKumaDp {
  const problems: string[] = [];
  const out: AdoptedKumaDp = { kumaDp: {}, vars: {}, templatePath: undefined, tproxyConfigPath: undefined, problems };
  const parsed = parseKumaDpRun(argv);
  if (!parsed) {
    problems.push(`kuma-dp's command line is not \`kuma-dp run\` with flags kuma-dp knows: ${argv.join(' ')}`);
    return out;
  }
  const prefix = parsed.prefix;
  // kuma-gitops runs kuma-dp as the guide does: `runuser -u USER -- BINARY run`.
  const wrapped = WRAPPED.exec(prefix.slice(0, 4).join(' '));
  if (prefix.length !== 6 || !wrapped) {
    problems.push(
      `kuma-dp was not started as \`runuser -u USER -- KUMA_DP run\` (the guide's form, which kuma-gitops uses): ${prefix.join(' ')}`,
    );
    return out;
  }
  const kd = out.kumaDp;
  kd.user = wrapped[1]!;
  kd.binary = prefix[4]!;
  const meaning = kumaDpRunMeaning(parsed);
  const one = (name: string) => meaning[name] as string | undefined;
  const need = (name: string, set: (v: string) => void) => {
    const v = one(name);
    if (v === undefined) problems.push(`kuma-dp runs without --${name}, which kuma-gitops always passes`);
    else set(v);
  };
  need('cp-address', (v) => (kd.cpAddress = v));
  need('dataplane-token-file', (v) => (kd.tokenFile = v));
  need('dataplane-file', (v) => (out.templatePath = kd.dataplaneFile = v));
  need('binary-path', (v) => (kd.envoyBinary = v));
  need('dns-coredns-path', (v) => (kd.corednsBinary = v));
  if (one('ca-cert-file') !== undefined) kd.caCertFile = one('ca-cert-file');
  const dns: NonNullable<typeof kd.dns> = {};
  if (one('dns-enabled') === 'false') dns.enabled = false;
  if (one('dns-coredns-port') !== undefined) dns.corednsPort = Number(one('dns-coredns-port'));
  if (one('dns-envoy-port') !== undefined) dns.envoyPort = Number(one('dns-envoy-port'));
  if (Object.keys(dns).length > 0) kd.dns = dns;
  const tproxy = meaning['transparent-proxy-config'] as string[] | undefined;
  if (tproxy !== undefined) {
    if (tproxy.length !== 1)
      problems.push(`kuma-dp is given ${tproxy.length} --transparent-proxy-config files; kuma-gitops passes one`);
    else {
      out.tproxyConfigPath = kd.tproxyConfigFile = tproxy[0]!;
      kd.passTproxyConfig = true;
    }
  } else {
    // Stated, so a group that passes a tproxy file to kuma-dp cannot pass one here; left out where it is the default.
    kd.passTproxyConfig = false;
    kd.writeTproxyConfigFile = false;
  }
  // In the order given (the last assignment of each), so the host file reads like the command line.
  const vars = parseDataplaneVarFlags(parsed.flags.filter((f) => f.name === 'dataplane-var').map((f) => f.value));
  for (const error of vars.errors) problems.push(`kuma-dp refuses its --dataplane-var: ${error}`);
  for (const [k, v] of vars.vars) out.vars[k] = /^(0|[1-9]\d{0,14})$/.test(v) ? Number(v) : v;
  // Every other flag goes to extraArgs as written, in the form kuma-gitops writes flags.
  const extra = parsed.flags.filter((f) => !(GENERATED_FLAGS as readonly string[]).includes(f.name));
  if (extra.length > 0) kd.extraArgs = extra.map((f) => `--${f.name}=${f.value}`);
  if (parsed.positional.length > 0)
    problems.push(`kuma-dp has arguments that are not flags: ${parsed.positional.join(' ')}`);
  // Only KUMA_* variables change kuma-dp (they override its flags); the rest is the shell's it was started from.
  const kumaEnv = Object.entries(env).filter(([k]) => k.startsWith('KUMA_'));
  if (kumaEnv.length > 0) kd.env = Object.fromEntries(kumaEnv.sort(([a], [b]) => a.localeCompare(b)));
  return out;
}
