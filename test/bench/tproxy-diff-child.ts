/**
 * Child process of the `tproxy diff` benchmark: times what the CLI does after its modules are loaded (read the
 * live file, keep what Kuma's diff reads, parse, build the expected rules, diff) and reports wall time, peak RSS
 * and the CLI's exit code to the file named by BENCH_OUT. Usage: tproxy-diff-child.ts LIVE KUMACTL_FLAGS...
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { diffRuleSets } from '../../src/iptables/drift.js';
import { scopeLiveSave } from '../../src/iptables/live-scope.js';
import { parseSave } from '../../src/iptables/parse-save.js';
import { computeRules } from '../../src/tproxy/compute-rules.js';
import { loadKumactlConfig } from '../../src/tproxy/kumactl-config.js';
import { DEFAULT_HOST_FACTS } from '../../src/tproxy/rules/host-facts.js';
import { DEFAULT_KUMA_VERSION, parseKumaVersion } from '../../src/versions.js';

const [live, ...flags] = process.argv.slice(2);
const start = performance.now();
const parsed = parseSave(scopeLiveSave(readFileSync(live!, 'utf8')).text);
const version = parseKumaVersion(DEFAULT_KUMA_VERSION);
const loaded = loadKumactlConfig({
  argv: flags,
  readSource: () => '',
  version,
  users: DEFAULT_HOST_FACTS.users,
});
const expected = computeRules(version, loaded.config, DEFAULT_HOST_FACTS, loaded.uid!).expected('ipv4');
const differences = diffRuleSets(expected, parsed, 'ipv4');
const ms = performance.now() - start;
const code = loaded.errors.length > 0 ? 1 : differences.length === 0 ? 0 : 2;
writeFileSync(process.env.BENCH_OUT!, JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, code }));
