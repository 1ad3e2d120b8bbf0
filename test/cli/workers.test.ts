import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedHosts } from '../support/fleet-generator.js';
import { sampleRepoWith } from '../support/sample-repo.js';

/** Large fleets render in worker threads (only from the built CLI): the result must not depend on the split. */
const cli = fileURLToPath(new URL('../../dist/bin/kuma-gitops.js', import.meta.url));
const repo = sampleRepoWith();
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const validate = (workers: string) => {
  try {
    return execFileSync(process.execPath, [cli, 'validate', '--repo', repo, '--output', 'json'], {
      env: { ...process.env, KUMA_GITOPS_WORKERS: workers },
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
  } catch (e) {
    return (e as { stdout: string }).stdout;
  }
};

describe('validate with worker threads', () => {
  it('reports the same as in-process rendering for 1,600 hosts with problems and duplicates', () => {
    for (const [path, text] of Object.entries(generatedHosts(1600))) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    // Some broken hosts and a duplicate across the shards, so issues and duplicates cross the worker split.
    writeFileSync(
      join(repo, 'hosts/gen/gen-7.yaml'),
      'dataplane:\n  vars: { name: x, address: 0.0.0.0, port: 1 }\nservice:\n  ports: [15001]\n',
    );
    writeFileSync(
      join(repo, 'hosts/dup.yaml'),
      'name: gen-8\ndataplane:\n  vars: { name: gen-8, address: 10.9.9.9, port: 8080, service: s }\n',
    );
    const inProcess = validate('1');
    const parallel = validate('2');
    const report = JSON.parse(parallel);
    expect(report.hosts).toHaveLength(1605);
    expect(report.valid).toBe(false);
    expect(report.issues.map((i: { code: string }) => i.code)).toEqual(
      expect.arrayContaining(['host.duplicate', 'safety.port-collision']),
    );
    expect(parallel).toBe(inProcess);
  }, 120_000);
});
