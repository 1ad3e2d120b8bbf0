// The agent's first sync (ref listing and full single-branch fetch into a new bare copy), from the built code, with
// wall time and peak RSS written to the file named by BENCH_OUT. Usage: node agent-sync-child.mjs URL
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openGitSource } from '../../dist/agent/git-source.js';

const [url] = process.argv.slice(2);
// A new state directory each run: a second sync into the same copy would fetch nothing.
const stateDir = mkdtempSync(join(tmpdir(), 'kg-bench-sync-'));
const start = performance.now();
const source = await openGitSource({ stateDir, url, branch: 'main', timeoutMs: 300_000 });
const head = await source.remoteHead();
await source.fetch(head);
const ok = await source.has(head);
writeFileSync(
  process.env.BENCH_OUT,
  JSON.stringify({ ms: performance.now() - start, maxRssMb: process.resourceUsage().maxRSS / 1024, code: ok ? 0 : 1 }),
);
rmSync(stateDir, { recursive: true, force: true });
