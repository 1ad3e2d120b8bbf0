import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/world/cli.js';

/**
 * deploy/kuma-gitops-agent.service checked by systemd's own tools. `verify` wants the ExecStart program to exist, so
 * the checked copy runs the built CLI with this node instead of /usr/local/bin/kuma-gitops; nothing else differs.
 */
const UNIT = readFileSync(new URL('../../deploy/kuma-gitops-agent.service', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'kg-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const unit = join(dir, 'kuma-gitops-agent.service');
writeFileSync(unit, UNIT.replace('ExecStart=/usr/local/bin/kuma-gitops ', `ExecStart=${process.execPath} ${CLI} `));

describe('the systemd unit', () => {
  it('is what the issue asks for: Type=exec, Restart=always, after the network is online, a state directory', () => {
    for (const line of [
      'Type=exec',
      'Restart=always',
      'Wants=network-online.target',
      'After=network-online.target',
      'StateDirectory=kuma-gitops',
      'ExecStart=/usr/local/bin/kuma-gitops agent --config /etc/kuma-gitops/agent.yaml',
      'KillMode=process',
    ]) {
      expect(UNIT.split('\n')).toContain(line);
    }
    expect(readFileSync(unit, 'utf8')).not.toBe(UNIT);
  });

  it('systemd-analyze verify passes with nothing on stderr', () => {
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('systemd-analyze security --offline rates its exposure at most 5.0 (OK)', () => {
    const out = execFileSync('systemd-analyze', ['security', '--offline=true', unit], { encoding: 'utf8' });
    const score = Number(/Overall exposure level for .*: (\d+\.\d+)/.exec(out)?.[1]);
    console.log(`systemd-analyze security --offline=true: exposure ${score}`);
    expect(score).toBeLessThanOrEqual(5.0);
  });
});
