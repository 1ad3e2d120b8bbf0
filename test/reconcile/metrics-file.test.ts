/**
 * `apply --metrics-file`: the outcome for node_exporter's textfile collector, written atomically, accepted by
 * promtool, without process metrics (they would collide with node_exporter's own).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeE2e } from '../support/e2e/e2e-suite.js';

await describeE2e(
  'apply --metrics-file',
  (_backend, fresh) => {
    it('writes the outcome as metrics promtool accepts', async () => {
      const h = await fresh();
      const file = join(h.dir, 'kuma-gitops.prom');
      const r = await h.apply(['--metrics-file', file]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/kuma_gitops_applied_revision_info\{revision="[0-9a-f]{16}"\} 1/);
      expect(text).toMatch(/kuma_gitops_reconcile_duration_seconds_count\{result="applied"\} 1/);
      expect(text).not.toMatch(/process_|nodejs_/);
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).toBe('');
      // Nothing but the file itself is left in its folder (the temp file was renamed onto it).
      expect(readdirSync(h.dir).filter((f) => f.includes('kuma-gitops.prom'))).toEqual(['kuma-gitops.prom']);
    });
  },
  { backends: ['nft'] },
);
