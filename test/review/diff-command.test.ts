import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedHosts } from '../support/fleet-generator.js';
import { commitFiles, initRepo } from '../support/git-repo.js';
import { runCli, SAMPLE_REPO } from '../support/sample-repo.js';

let dir: string;
let base: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kg-diff-'));
  cpSync(SAMPLE_REPO, dir, { recursive: true });
  initRepo(dir);
  base = commitFiles(dir, {}, 'sample desired state');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const diff = (b: string, h: string, output = 'json') =>
  runCli(['diff', '--repo', dir, '--base', b, '--head', h, '--output', output]);

describe('kuma-gitops diff on a real git repository', () => {
  it('exits 0 when no host changes (a README-only commit)', async () => {
    const head = commitFiles(dir, { 'README.md': 'notes\n' }, 'docs only');
    const { code, out } = await diff(base, head);
    expect(code).toBe(0);
    expect(JSON.parse(out).totals).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 4 });
  });

  it('exits 2 and lists every host when a fleet default changes a port', async () => {
    const before = commitFiles(dir, {}, 'empty');
    const fleet = readFileSync(join(dir, 'fleet.yaml'), 'utf8');
    const cp = '  cpAddress: https://kuma-cp.mesh.internal:5678\n';
    expect(fleet).toContain(cp);
    const changed = commitFiles(
      dir,
      { 'fleet.yaml': fleet.replace(cp, `${cp}  readinessPort: 9912\n`) },
      'readiness port 9912 everywhere',
    );
    const { code, out } = await diff(before, changed);
    const report = JSON.parse(out);
    expect(code, out).toBe(2);
    expect(report.totals).toEqual({ added: 0, removed: 0, changed: 4, unchanged: 0 });
    for (const c of report.changes) expect(c.sections.kumaDp).toContain('+env KUMA_READINESS_PORT=9912');
    const md = await diff(before, changed, 'markdown');
    for (const host of ['billing-1', 'example-server', 'legacy-batch-1', 'payments-1']) expect(md.out).toContain(host);
  });

  it('exits 1 with the errors when head is invalid', async () => {
    const before = commitFiles(dir, {}, 'empty');
    const original = readFileSync(join(dir, 'tproxy/fleet.yaml'), 'utf8');
    const head = commitFiles(dir, { 'tproxy/fleet.yaml': 'redirect:\n  inbound:\n    port: "15006"\n' }, 'quoted port');
    commitFiles(dir, { 'tproxy/fleet.yaml': original }, 'revert: later tests start from a valid head');
    const { code, out } = await diff(before, head, 'markdown');
    expect(code).toBe(1);
    expect(out).toContain('head is invalid');
    expect(out).toContain('tproxy/fleet.yaml:3');
  });

  it('reports added and removed hosts', async () => {
    const before = commitFiles(dir, {}, 'empty');
    const head = commitFiles(dir, { 'hosts/billing-1.yaml': null, ...generatedHosts(1) }, 'swap a host');
    const { code, out } = await diff(before, head);
    expect(code).toBe(2);
    const kinds = Object.fromEntries(
      JSON.parse(out).changes.map((c: { host: string; kind: string }) => [c.host, c.kind]),
    );
    expect(kinds).toMatchObject({ 'billing-1': 'removed', 'gen-0': 'added', 'example-server': 'unchanged' });
  });

  it('keeps the markdown under 60,000 characters for 2,000 changed hosts, with a correct summary', async () => {
    const before = commitFiles(dir, generatedHosts(2000), '2000 hosts');
    const head = commitFiles(dir, generatedHosts(2000, 8081), 'every generated host moves to port 8081');
    const { code, out } = await diff(before, head, 'markdown');
    expect(code).toBe(2);
    expect(out.length).toBeLessThan(60_000);
    expect(out).toContain('| 0 | 0 | 2000 |');
    expect(out).toMatch(/Cut to stay under 60,000 characters: \d+ table row\(s\), \d+ host section\(s\) not shown/);
  }, 120_000);
});
