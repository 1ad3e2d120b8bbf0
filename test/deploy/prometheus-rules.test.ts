import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** deploy/prometheus/: the fleet alerting rules, checked and unit-tested by Debian's promtool. */
const dir = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));
const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });

describe('deploy/prometheus', () => {
  it('promtool check rules: 9 rules, no problem', () => {
    const r = promtool('check', 'rules', 'kuma-gitops.rules.yml');
    expect(r.error).toBeUndefined();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 9 rules found');
  });

  it('promtool test rules: every alert fires when it should and not before', () => {
    const r = promtool('test', 'rules', 'kuma-gitops.rules.test.yml');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
  });
});
