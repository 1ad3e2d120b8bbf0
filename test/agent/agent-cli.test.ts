/**
 * `kuma-gitops agent` and `status` as commands: a bad config is refused at start with every problem listed (file,
 * line, what to do) and exit 1; `agent accept` refuses what is not a commit. As root (the config must be root's).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/world/cli.js';
import { exec } from '../support/world/exec.js';

const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'kg-agent-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = (text: string) => {
  const file = join(dir, `agent-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
};

describe.runIf(root || process.env.CI === 'true')('agent and status commands', () => {
  it('a bad config: exit 1, every problem with file:line and what to do, nothing started', async () => {
    const file = config('source:\n  url: ftp://x\n  pollInterval: soon\nstateDir: relative\n');
    const r = await exec([process.execPath, CLI, 'agent', '--once', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /the agent config .* has 3 problem\(s\); fix them, the agent does not start until then \[agent\.config-invalid\]/,
    );
    expect(r.stderr).toContain(`${file}:2`);
    expect(r.stderr).toContain(`${file}:3`);
    expect(r.stderr).toContain(`${file}:4`);
  });

  it('status without a config file: exit 1 naming it', async () => {
    const r = await exec([process.execPath, CLI, 'status', '--config', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.yaml does not exist/);
  });

  it('agent accept: neither a commit id nor the start of the refused one', async () => {
    const file = config(`source:\n  url: https://git.example.com/r.git\nstateDir: ${dir}/state\n`);
    const r = await exec([process.execPath, CLI, 'agent', 'accept', '--revision', 'main', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /'main' is neither a full commit id nor the start of the refused revision \(none is refused\).*\[agent\.accept-unknown\]/,
    );
  });
});
