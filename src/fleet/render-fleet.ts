import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compileHosts, markDuplicates } from '../compile/compile-repo.js';
import { loadRepo } from '../desired/load-repo.js';
import { memoryRepoReader } from '../desired/memory-reader.js';
import { HOSTS_DIR, isHostFile } from '../desired/repo-paths.js';
import type { RepoReader } from '../desired/repo-reader.js';
import { type HostOutcome, toOutcome } from '../render/host-artefacts.js';
import type { HostPolicy } from '../validate/host-policy.js';
import type { SourceFile } from '../yaml/yaml-source.js';

/** Below this many hosts, starting worker threads costs more than it saves. */
const PARALLEL_FROM = 1500;
/** Shared files bigger than this are not desired state (a stray binary in the repo): not sent to workers. */
const MAX_SHARED_FILE = 1 << 20;

export interface FleetRender {
  label: string;
  outcomes: HostOutcome[];
}

/**
 * Render every host of a revision, split over worker threads when the fleet is large (YAML parsing dominates and
 * is CPU-bound). Each worker gets all shared files and its share of host files, so results do not depend on the split.
 */
export async function renderFleet(
  reader: RepoReader,
  options: { workers?: number; hostFilter?: (path: string) => boolean; policy?: HostPolicy } = {},
): Promise<FleetRender> {
  const workers = options.workers ?? defaultWorkers();
  const files = await readAll(reader, options.hostFilter);
  const hostPaths = [...files.keys()].filter(isHostFile).sort();
  // Next to this module in dist/ (tsc) and dist/bin/ (the bundle, where it is an entry point of its own). Under
  // the test runner the sources are .ts and there is no compiled worker: render in-process. A build without its
  // worker is a packaging bug, not a reason to fall back quietly.
  const workerUrl = new URL('./render-worker.js', import.meta.url);
  const fromSources = import.meta.url.endsWith('.ts');
  if (!fromSources && !existsSync(fileURLToPath(workerUrl))) {
    throw new Error(`kuma-gitops is installed without its render worker (${fileURLToPath(workerUrl)}): rebuild it`);
  }
  if (workers < 2 || hostPaths.length < PARALLEL_FROM || fromSources) {
    const repo = await loadRepo(memoryRepoReader(reader.label, files));
    const outcomes = compileHosts(repo, repo.hosts, options.policy).map(toOutcome);
    markDuplicates(outcomes);
    return { label: reader.label, outcomes };
  }
  const shared = [...files.values()].filter((f) => !f.path.startsWith(HOSTS_DIR) && f.text.length <= MAX_SHARED_FILE);
  const shards = Array.from({ length: workers }, (_, i) => hostPaths.filter((_, j) => j % workers === i));
  const parts = await Promise.all(
    shards.map((shard) =>
      runWorker(workerUrl, {
        label: reader.label,
        files: [...shared, ...shard.map((p) => files.get(p)!)],
        policy: options.policy,
      }),
    ),
  );
  const outcomes = parts.flat().sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  markDuplicates(outcomes);
  return { label: reader.label, outcomes };
}

async function readAll(reader: RepoReader, hostFilter?: (path: string) => boolean): Promise<Map<string, SourceFile>> {
  const paths = (await reader.list()).filter((p) => !hostFilter || !isHostFile(p) || hostFilter(p));
  const files = new Map<string, SourceFile>();
  const read = await Promise.all(paths.map((p) => reader.read(p)));
  for (const f of read) if (f) files.set(f.path, f);
  return files;
}

export interface RenderJob {
  label: string;
  files: SourceFile[];
  policy: HostPolicy | undefined;
}

function runWorker(url: URL, job: RenderJob): Promise<HostOutcome[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: job });
    worker.once('message', (outcomes: HostOutcome[]) => resolve(outcomes));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`render worker exited with code ${code}`));
    });
  });
}

/** KUMA_GITOPS_WORKERS caps the threads (1 = render in-process), e.g. on a busy CI runner. */
function defaultWorkers(): number {
  const fromEnv = Number(process.env.KUMA_GITOPS_WORKERS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.min(4, availableParallelism());
}
