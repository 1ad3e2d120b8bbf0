import { describe, expect, it } from 'vitest';
import { compileRepo } from '../../src/compile/compile-repo.js';
import { loadRepo } from '../../src/desired/load-repo.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';
import { guideTemplate } from '../standin/harness.js';
import { composeFrom } from '../support/compose.js';
import { runCli, sampleRepos } from '../support/sample-repo.js';

const repo = sampleRepos();

const TEMPLATE = guideTemplate(15006, 15001).replace(
  'kuma.io/service: example-server',
  'kuma.io/service: example-server\n        proto: "{{ __proto__ }}"',
);
const host = (vars: string) => `dataplane:
  template: templates/example-server.yaml
  vars:
    name: example-server-dataplane
    address: 192.168.10.10
    port: 8080
${vars}service:
  ports: [8080]
`;

describe('a var named __proto__', () => {
  it('reaches the kuma-dp argv and the rendered Dataplane, with no lint issue', async () => {
    const dir = repo({
      'templates/example-server.yaml': TEMPLATE,
      'hosts/example-server.yaml': host('    __proto__: "x"\n'),
    });
    const composed = await composeFrom(dir, 'example-server');
    expect(composed.dataplane.vars).toContainEqual(['__proto__', 'x']);
    const r = await runCli(['render', '--repo', dir, '--host', 'example-server']);
    expect(r.out).toContain('--dataplane-var=__proto__=x');
    expect(r.out).toContain('proto: "x"');
    expect(r.out).not.toContain('template.var');
    expect(r.out.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('merges across layers like other keys: the host overrides the fleet', async () => {
    const dir = repo({
      'templates/example-server.yaml': TEMPLATE,
      'groups/proto.yaml': 'dataplane:\n  vars:\n    __proto__: from-group\n',
      'hosts/example-server.yaml': `groups: [proto]\n${host('    __proto__: from-host\n')}`,
      'hosts/billing-1.yaml': `groups: [proto]\n${host('')}`.replace('example-server-dataplane', 'billing-1'),
    });
    expect((await composeFrom(dir, 'example-server')).dataplane.vars).toContainEqual(['__proto__', 'from-host']);
    expect((await composeFrom(dir, 'billing-1')).dataplane.vars).toContainEqual(['__proto__', 'from-group']);
  });

  it('is validated like other values: a mapping is an error with its line', async () => {
    const dir = repo({ 'hosts/example-server.yaml': host('    __proto__:\n      a: 1\n') });
    const results = compileRepo(await loadRepo(dirRepoReader(dir)), 'example-server');
    const issues = results[0]!.issues.filter((i) => i.code === 'schema.invalid');
    expect(issues.map((i) => [i.file, i.line, i.path])).toEqual([
      ['hosts/example-server.yaml', 7, 'dataplane.vars.__proto__'],
    ]);
  });

  it('is still an unknown key where the schema is not a map', async () => {
    const dir = repo({ 'hosts/example-server.yaml': `__proto__: 1\n${host('')}` });
    const results = compileRepo(await loadRepo(dirRepoReader(dir)), 'example-server');
    expect(results[0]!.issues.map((i) => [i.code, i.line])).toContainEqual(['schema.unknown-key', 1]);
  });
});
