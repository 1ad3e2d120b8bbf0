/**
 * The pull-request comment of a repository that tries to rewrite it: host names with `|`, HTML and mentions, and a
 * template whose lines hold a code fence and `</details>`. Parsed with markdown-it (CommonMark with GFM tables),
 * the comment keeps one table row per changed host, one <details> block per section, no raw HTML of the
 * repository's and no mention.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, expect, it } from 'vitest';
import { git, initRepo } from '../support/git-repo.js';
import { runCli, SAMPLE_REPO } from '../support/sample-repo.js';

const dir = mkdtempSync(join(tmpdir(), 'kgtest-md-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOST = (name?: string) =>
  `${name === undefined ? '' : `name: ${JSON.stringify(name)}\n`}dataplane:\n  template: templates/example-server.yaml\n` +
  '  vars: { name: x, address: 192.168.10.10, port: 8080 }\nservice:\n  ports: [8080]\n';

it('keeps its table rows and collapsible sections, and carries no HTML or mention of the repository', async () => {
  cpSync(SAMPLE_REPO, dir, { recursive: true });
  const template = join(dir, 'templates/example-server.yaml');
  // A fence at the start of a line: in the diff it is the context line ` \`\`\``, which closes a ``` block.
  writeFileSync(template, `${readFileSync(template, 'utf8')}\`\`\`\n`);
  initRepo(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  writeFileSync(join(dir, 'hosts/a|b.yaml'), HOST());
  writeFileSync(join(dir, 'hosts/html.yaml'), HOST('</details><img src=x onerror=alert(1)>'));
  writeFileSync(join(dir, 'hosts/mention.yaml'), HOST('@acme/platform-team'));
  writeFileSync(template, `${readFileSync(template, 'utf8')}# </details>\n# \`\`\`\`\`\`\n`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'hostile');

  const r = await runCli(['diff', '--repo', dir, '--base', 'HEAD~1', '--head', 'HEAD', '--output', 'markdown']);
  expect(r.code).toBe(1); // the hostile names are invalid at head
  const tokens = new MarkdownIt({ html: true }).parse(r.out, {});
  const tables = tokens.filter((t) => t.type === 'table_open').length;
  const rows = tokens.filter((t) => t.type === 'tr_open').length;
  const changedHosts = (r.out.match(/^\| (?!added \|)[^|]* \| (added|removed|changed) \|/gm) ?? []).length;
  // The totals table (header + 1) and the host table (header + one per changed host).
  expect(tables).toBe(2);
  expect(changedHosts).toBe(4);
  expect(rows, r.out).toBe(2 + 1 + changedHosts);
  const html = tokens.filter((t) => t.type === 'html_block' || t.type === 'html_inline').map((t) => t.content);
  const opened = html.join('').match(/<details>/g)?.length ?? 0;
  const closed = html.join('').match(/<\/details>/g)?.length ?? 0;
  expect(opened).toBeGreaterThanOrEqual(1);
  expect(closed).toBe(opened);
  expect(html.join('')).not.toMatch(/<img/i);
  // The template's fence and </details> stay inside their code block.
  const fences = tokens.filter((t) => t.type === 'fence');
  expect(fences.some((t) => t.content.includes('# </details>') && t.content.includes('# ``````'))).toBe(true);
  // No mention: the @ is followed by a zero-width space wherever it is not in code.
  const text = tokens
    .flatMap((t) => t.children ?? [])
    .filter((t) => t.type === 'text')
    .map((t) => t.content)
    .join('\n');
  expect(text).not.toMatch(/@acme/);
});
