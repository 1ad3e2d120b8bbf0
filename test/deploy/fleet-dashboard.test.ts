/**
 * deploy/prometheus/kuma-gitops-fleet.dashboard.json: Grafana is not in Debian's archive, so the dashboard is checked
 * for what breaks one: the layout (unique ids, panels inside the 24-column grid, none overlapping), the datasource
 * variable, every panel query parsing as PromQL (Debian's promtool, each query as a recording rule), and every
 * series it reads being one the agent exports or the fleet rules record.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createAgentMetrics } from '../../src/agent/agent-metrics.js';

const dir = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));
const dashboard = JSON.parse(readFileSync(join(dir, 'kuma-gitops-fleet.dashboard.json'), 'utf8'));
interface Panel {
  id: number;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { uid: string };
  targets: { expr: string; datasource: { uid: string } }[];
}
const panels = dashboard.panels as Panel[];
const work = mkdtempSync(join(tmpdir(), 'kg-dashboard-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the fleet dashboard', () => {
  it('has a layout Grafana can place: unique ids, inside 24 columns, no overlaps', () => {
    expect(typeof dashboard.schemaVersion).toBe('number');
    expect(dashboard.uid).toBe('kuma-gitops-fleet');
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  it('reads every panel through the datasource variable it defines', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    // Grafana's variable syntax, literally.
    const variable = ['$', '{datasource}'].join('');
    for (const p of panels) {
      expect(p.datasource.uid).toBe(variable);
      for (const t of p.targets) expect(t.datasource.uid).toBe(variable);
    }
  });

  it('every query parses as PromQL (promtool) and reads only series the agents export or the rules record', () => {
    const exprs = panels.flatMap((p) => p.targets.map((t) => t.expr));
    const rules = join(work, 'panels.rules.yml');
    writeFileSync(
      rules,
      `groups:\n  - name: panels\n    rules:\n${exprs.map((e, i) => `      - record: panel_${i}\n        expr: ${JSON.stringify(e)}\n`).join('')}`,
    );
    const r = spawnSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.status, r.stdout + r.stderr).toBe(0);

    const exported = new Set(
      // Counters are exposed with their name as registered (prom-client adds no _total of its own here).
      createAgentMetrics({ processMetrics: false })
        .registry.getMetricsAsArray()
        .map((m) => m.name),
    );
    const recorded = new Set(
      (parse(readFileSync(join(dir, 'kuma-gitops.rules.yml'), 'utf8')).groups as { rules: { record?: string }[] }[])
        .flatMap((g) => g.rules.map((x) => x.record))
        .filter(Boolean),
    );
    const FUNCTIONS = new Set(['count', 'sum', 'by', 'rate', 'time', 'or', 'vector', 'increase', 'on', 'group_left']);
    for (const e of exprs) {
      const names = (
        e.replace(/\{[^}]*\}|\([^()]*\)\s*(?=[\w(])|"[^"]*"/g, ' ').match(/[a-z_:][a-z0-9_:]*/g) ?? []
      ).filter((n) => n.startsWith('kuma_gitops') && !FUNCTIONS.has(n));
      for (const n of names) expect(exported.has(n) || recorded.has(n), `${n} in ${e}`).toBe(true);
    }
  });
});
