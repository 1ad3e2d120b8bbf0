// Runs a built CLI command in this process and reports wall time and peak RSS to the file named by BENCH_OUT.
// Usage: BENCH_OUT=f.json node test/bench/measure.mjs dist/bin/kuma-gitops.js <args...>
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
const start = performance.now();
process.on('exit', (code) => {
  const ms = performance.now() - start;
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, code }));
});
await import(pathToFileURL(resolve(script)).href);
