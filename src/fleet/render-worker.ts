import { parentPort, workerData } from 'node:worker_threads';
import { compileHosts } from '../compile/compile-repo.js';
import { loadRepo } from '../desired/load-repo.js';
import { memoryRepoReader } from '../desired/memory-reader.js';
import { toOutcome } from '../render/host-artefacts.js';
import type { RenderJob } from './render-fleet.js';

/** Worker thread of render-fleet.ts: load the files it was given and render its share of hosts. */
const job = workerData as RenderJob;
const repo = await loadRepo(memoryRepoReader(job.label, new Map(job.files.map((f) => [f.path, f]))));
parentPort!.postMessage(compileHosts(repo, repo.hosts, job.policy).map(toOutcome));
