import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentConfigError, loadAgentConfig } from '../../src/agent/load-agent-config.js';
import type { Issue } from '../../src/issues.js';

const dir = mkdtempSync(join(tmpdir(), 'kg-agent-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// As root (CI), files must be root's; a developer's run checks against their own uid instead.
const owner = process.getuid?.() ?? 0;

let n = 0;
function file(text: string, mode = 0o600): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}
function problems(path: string): Issue[] {
  try {
    loadAgentConfig(path, { owner, defaultHost: 'fallback' });
  } catch (e) {
    expect(e).toBeInstanceOf(AgentConfigError);
    return (e as AgentConfigError).data.issues as Issue[];
  }
  throw new Error('expected the config to be refused');
}

describe('agent config', () => {
  it('deploy/agent.yaml, the documented example, loads with its files in place', () => {
    const token = file('secret-token\n');
    const text = readFileSync(new URL('../../deploy/agent.yaml', import.meta.url), 'utf8').replace(
      '/etc/kuma-gitops/token',
      token,
    );
    const c = loadAgentConfig(file(text), { owner });
    expect(c).toMatchObject({
      host: 'example-server',
      source: { branch: 'main', path: 'desired-state', pollMs: 60_000, timeoutMs: 30_000, auth: { tokenFile: token } },
      verify: { mode: 'none' },
      stateDir: '/var/lib/kuma-gitops',
      readyTimeoutMs: 60_000,
      policy: { writeRoots: ['/kuma/'], kumaDpUsers: [{ name: 'kuma-dp', uid: 5678 }] },
    });
  });

  it('a minimal config gets every default, and the host name from the machine', () => {
    const c = loadAgentConfig(file('source:\n  url: https://git.example.com/r.git\n'), {
      owner,
      defaultHost: 'vm-1',
      netns: 'kg-x',
    });
    expect(c).toEqual({
      file: expect.any(String),
      host: 'vm-1',
      source: { url: 'https://git.example.com/r.git', branch: 'main', path: '', pollMs: 60_000, timeoutMs: 30_000 },
      verify: { mode: 'none' },
      stateDir: '/var/lib/kuma-gitops',
      supervisor: 'process',
      readyTimeoutMs: 60_000,
      failPolicy: 'fail-open',
      policy: { writeRoots: ['/kuma/'], kumaDpUsers: [{ name: 'kuma-dp', uid: 5678 }] },
      drift: { watch: true, checkIntervalMs: 30_000, maxHeals: 3, healWindowMs: 600_000 },
      alerts: { alertmanager: [], resendMs: 60_000 },
      metrics: { host: '127.0.0.1', port: 9787 },
      netns: 'kg-x',
    });
  });

  it.each([
    [
      'an unknown key, with a suggestion',
      'source:\n  url: https://g/r.git\n  brnach: dev\n',
      'schema.unknown-key',
      3,
      /brnach/,
    ],
    ['no source', 'host: a\n', 'schema.invalid', 1, /source/],
    ['an ssh URL', 'source:\n  url: git@github.com:o/r.git\n', 'schema.invalid', 2, /https:\/\//],
    ['credentials in the URL', 'source:\n  url: https://u:p@g/r.git\n', 'schema.invalid', 2, /appear in logs/],
    ['a bad duration', 'source:\n  url: https://g/r.git\n  pollInterval: 60\n', 'schema.invalid', 3, /string|duration/],
    [
      'a poll interval under a second',
      'source:\n  url: https://g/r.git\n  pollInterval: 10ms\n',
      'schema.invalid',
      3,
      /at least 1000/,
    ],
    ['a path leaving the repository', 'source:\n  url: https://g/r.git\n  path: ../etc\n', 'schema.invalid', 3, /path/],
    [
      'verify head without keys',
      'source:\n  url: https://g/r.git\nverify:\n  mode: head\n',
      'schema.invalid',
      4,
      /allowedSignersFile/,
    ],
    [
      'kuma-dp as root',
      'source:\n  url: https://g/r.git\npolicy:\n  kumaDpUsers:\n    - name: root\n      uid: 5678\n',
      'schema.invalid',
      5,
      /root/,
    ],
    [
      'a write root of /',
      'source:\n  url: https://g/r.git\npolicy:\n  writeRoots: [/]\n',
      'schema.invalid',
      4,
      /other than \//,
    ],
    [
      'a relative token file',
      'source:\n  url: https://g/r.git\n  auth:\n    tokenFile: token\n',
      'schema.invalid',
      4,
      /absolute/,
    ],
    ['YAML that does not parse', 'source: [\n', 'yaml.syntax', 2, /YAML/],
  ])('refuses %s, naming the line', (_name, text, code, line, message) => {
    const [first] = problems(file(text));
    expect(first).toMatchObject({ severity: 'error', code, line });
    expect(`${first!.message} ${first!.hint ?? ''}`).toMatch(message);
  });

  it('lists every problem at once, each with its line', () => {
    const found = problems(file('source:\n  url: ftp://g/r\n  pollInterval: soon\nsupervisor: runit\nextra: 1\n'));
    expect(found.map((i) => [i.code, i.line])).toEqual(
      expect.arrayContaining([
        ['schema.invalid', 2],
        ['schema.invalid', 3],
        ['schema.invalid', 4],
        ['schema.unknown-key', 5],
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it.each([
    ['readable by others', 0o644, /mode 0644: group or others may access it/, /chmod 600/],
    ['readable by the group', 0o640, /mode 0640/, /chmod 600/],
  ])('refuses a config file %s', (_name, mode, message, hint) => {
    const [first] = problems(file('source:\n  url: https://g/r.git\n', mode));
    expect(first).toMatchObject({ code: 'host-file.unsafe', message: expect.stringMatching(message) });
    expect(first!.hint).toMatch(hint);
  });

  it('refuses a config file that is a symbolic link, or missing', () => {
    const link = join(dir, 'link.yaml');
    symlinkSync(file('source:\n  url: https://g/r.git\n'), link);
    expect(problems(link)[0]).toMatchObject({
      code: 'host-file.unsafe',
      message: expect.stringMatching(/symbolic link/),
    });
    expect(problems(join(dir, 'nope.yaml'))[0]).toMatchObject({ code: 'host-file.missing' });
  });

  it.runIf(owner === 0)('refuses a config file that root does not own', () => {
    const path = file('source:\n  url: https://g/r.git\n');
    chownSync(path, 65534, 65534);
    expect(problems(path)[0]).toMatchObject({
      code: 'host-file.unsafe',
      message: expect.stringMatching(/owned by uid 65534, not root/),
      hint: `chown root:root ${path}`,
    });
  });

  it('checks every file the config names: a readable token, a CA others can change, a missing signers file', () => {
    const token = file('t\n', 0o644);
    const ca = file('ca\n', 0o666);
    const found = problems(
      file(
        `source:\n  url: https://g/r.git\n  auth:\n    tokenFile: ${token}\n  caFile: ${ca}\nverify:\n  mode: head\n  allowedSignersFile: ${dir}/none\n`,
      ),
    );
    expect(found.map((i) => [i.path, i.line, i.code])).toEqual([
      ['source.auth.tokenFile', 4, 'host-file.unsafe'],
      ['source.caFile', 5, 'host-file.unsafe'],
      ['verify.allowedSignersFile', 8, 'host-file.missing'],
    ]);
    expect(found[1]!.message).toMatch(/group or others may change it/);
  });
});
