/**
 * What the CLI prints about a repository cannot move the operator's terminal or flood it: control characters are
 * shown as \xNN, and a message quoting a 3 MB value is cut to a bounded length saying how much was left out.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, sampleRepoWith } from '../support/sample-repo.js';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

const host = (extra: string) =>
  `dataplane:\n  template: templates/example-server.yaml\n  vars: { name: "x\\e[2J\\e]0;owned\\a", address: 192.168.10.10, port: 8080 }\nservice:\n  ports: [8080]\n${extra}`;

describe('terminal output', () => {
  it('render shows a variable’s escape sequences as \\xNN, never raw', async () => {
    const repo = sampleRepoWith({ 'hosts/example-server.yaml': host('') });
    repos.push(repo);
    const r = await runCli(['render', '--repo', repo, '--host', 'example-server']);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that none is printed.
    expect(r.out + r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.out).toContain('x\\x1b[2J\\x1b]0;owned\\x07');
  });

  it('a 3 MB value (a 20 MB one is over the file limit) is quoted in at most a few thousand characters', async () => {
    const repo = sampleRepoWith({
      'hosts/example-server.yaml': host(`kumaDp:\n  cpAddress: ${'x'.repeat(3_000_000)}\n`),
    });
    repos.push(repo);
    const r = await runCli(['validate', '--repo', repo, '--host', 'example-server']);
    expect(r.code).toBe(1);
    const line = r.out.split('\n').find((l) => l.includes('kuma-dp.cp-address'))!;
    expect(line.length).toBeLessThan(2_500);
    expect(line).toMatch(/\.\.\. \(\d+ more characters\)/);
  });
});
