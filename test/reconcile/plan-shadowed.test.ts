/**
 * `plan` on an applied host with a native nftables table next to Kuma's rules: a nat output chain at -150 that
 * redirects port 80 is warned about as shadowed (text) and listed under nftables.shadowing (JSON), with no step,
 * since it is another tool's; firewalld's default ruleset shape is context only.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeE2e } from '../support/e2e/e2e-suite.js';

const FIREWALLD = readFileSync(new URL('../golden/nft/firewalld-default.nft', import.meta.url), 'utf8');

await describeE2e(
  'plan with native nftables tables',
  (_backend, fresh) => {
    it('warns about a chain that shadows Kuma, lists firewalld as context, plans no step for either', async () => {
      const h = await fresh();
      const applied = await h.apply();
      expect(applied.code, applied.stderr + applied.stdout).toBe(0);
      const add = (script: string) => h.inHost(['sh', '-c', `printf '%s' "$1" | nft -f -`, 'sh', script]);
      const fw = await add(FIREWALLD);
      expect(fw.code, fw.stderr).toBe(0);
      const shadow = await add(
        'table inet shadow {\n  chain out {\n    type nat hook output priority -150;\n    tcp dport 80 redirect to :9999\n  }\n}\n',
      );
      expect(shadow.code, shadow.stderr).toBe(0);

      const text = await h.plan();
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(
        /^warning: shadowed: table inet shadow chain out \(type nat hook output priority -150\) redirects or DNATs traffic before Kuma's nat chains see it: tcp dport 80 redirect to :9999 \(handle \d+\)$/m,
      );
      expect(text.stdout).not.toContain('firewalld');

      const json = await h.plan(['--output', 'json']);
      const plan = JSON.parse(json.stdout) as {
        steps: unknown[];
        nftables: { shadowing: { table: string }[]; context: { table: string; chain: string }[] };
      };
      expect(plan.steps).toEqual([]);
      expect(plan.nftables.shadowing.map((s) => s.table)).toEqual(['shadow']);
      expect(plan.nftables.context.filter((c) => c.table === 'firewalld')).toHaveLength(7);
    });
  },
  { backends: ['nft'] },
);
