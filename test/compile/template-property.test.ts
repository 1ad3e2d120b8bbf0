/**
 * No template and no set of vars can crash the checks: random templates, built from the pieces that trip mustache
 * parsers (tags of every kind, stray and changed delimiters, partials, odd names such as `__proto__` and `.`), go
 * through parse, render and lint, and through the whole-repo compile that `validate` and the pull-request review
 * run. Each must end in a document and issues, never an exception or an `internal.*` issue.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRepo } from '../../src/compile/compile-repo.js';
import { lintTemplate } from '../../src/compile/template-lint.js';
import { loadRepo } from '../../src/desired/load-repo.js';
import { memoryRepoReader } from '../../src/desired/memory-reader.js';
import { dirRepoReader } from '../../src/io/dir-reader.js';
import { nestDataplaneVars } from '../../src/render/dataplane-vars.js';
import { renderKumaDpTemplate } from '../../src/render/mustache.js';
import { parseTemplate } from '../../src/render/mustache-parse.js';
import type { SourceFile } from '../../src/yaml/yaml-source.js';
import { SAMPLE_REPO } from '../support/sample-repo.js';

const NAMES = [
  'name',
  'address',
  'port',
  'a',
  'a.b',
  'a.b.c',
  '.',
  '..',
  '',
  ' x ',
  '__proto__',
  'constructor',
  'toString',
  '&a',
  '{a',
  'a}',
  '/',
  './',
  '/etc',
];
const name = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 4 }));
const tag = fc
  .tuple(fc.constantFrom('', '#', '^', '/', '>', '=', '!', '&', '{', ' '), name, fc.constantFrom('', '}', '=', ' '))
  .map(([sigil, n, tail]) => `{{${sigil}${n}${tail}}}`);
const piece = fc.oneof(
  tag,
  fc.constantFrom(
    '{{',
    '}}',
    '{{{',
    '}}}',
    '{',
    '}',
    '\n',
    '\r\n',
    '<%',
    '%>',
    '{{=<% %>=}}',
    '<%={{ }}=%>',
    '{{=}}',
    '{{>}}',
  ),
  fc.constantFrom(
    'type: Dataplane\n',
    'mesh: default\n',
    'name: ',
    'networking:\n',
    '  address: ',
    '- ',
    ': ',
    '"',
    "'",
  ),
  fc.string({ maxLength: 6 }),
);
const template = fc.array(piece, { maxLength: 24 }).map((parts) => parts.join(''));
const value = fc.oneof(
  fc.constantFrom('', 'x', '10.0.0.1', '8080', 'a=b', 'a,b=c', '"q"', '<&>', 'l1\nl2'),
  fc.string({ maxLength: 6 }),
);
const vars = fc.array(fc.tuple(name, value), { maxLength: 6 });

const sample = await (async () => {
  const reader = dirRepoReader(SAMPLE_REPO);
  const files = new Map<string, SourceFile>();
  for (const path of await reader.list()) {
    const file = await reader.read(path);
    if (file) files.set(path, file);
  }
  return files;
})();

/** The sample repo with example-server's template and vars replaced. JSON strings are YAML double-quoted scalars. */
function repoWith(text: string, pairs: readonly (readonly [string, string])[]): Map<string, SourceFile> {
  const files = new Map(sample);
  const varLines = pairs.map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}\n`).join('');
  const host = `dataplane:\n  template: templates/example-server.yaml\n  vars:${pairs.length ? `\n${varLines}` : ' {}\n'}service:\n  ports: [8080]\n`;
  files.set('templates/example-server.yaml', { path: 'templates/example-server.yaml', text });
  files.set('hosts/example-server.yaml', { path: 'hosts/example-server.yaml', text: host });
  return files;
}

describe('random templates and vars never crash the checks', () => {
  it('parse, render and lint return a document and issues (1,000 templates)', () => {
    fc.assert(
      fc.property(template, vars, (text, pairs) => {
        const intended = Object.create(null) as Record<string, string>;
        for (const [k, v] of pairs) intended[k] = v;
        const parsed = parseTemplate(text);
        expect(typeof parsed.ok).toBe('boolean');
        const data = nestDataplaneVars(new Map(pairs)).data;
        expect(typeof renderKumaDpTemplate(text, data)).toBe('string');
        const issues = lintTemplate({ file: 't.yaml', template: text, intended });
        expect(Array.isArray(issues)).toBe(true);
        // A template kuma-dp cannot parse is always reported.
        if (!parsed.ok) expect(issues.some((i) => i.severity === 'error')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('whole-repo compile (validate, review) reports every host, with no internal error (300 repos)', async () => {
    await fc.assert(
      fc.asyncProperty(template, vars, async (text, pairs) => {
        const results = compileRepo(await loadRepo(memoryRepoReader('random', repoWith(text, pairs))));
        expect(results.map((r) => r.name).sort()).toEqual([
          'billing-1',
          'example-server',
          'legacy-batch-1',
          'payments-1',
        ]);
        const internal = results.flatMap((r) => r.issues).filter((i) => i.code.startsWith('internal.'));
        expect(internal).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
