import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The layer rules live in biome.json; this runs the project's own biome.json (VCS integration off) on small trees of
 * fixture files, so a rule that stops firing fails here instead of silently letting the layers rot.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIOME = join(ROOT, 'node_modules/.bin/biome');
const work = mkdtempSync(join(tmpdir(), 'kg-layers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
async function lint(files: Record<string, string>): Promise<{ exitCode: number; output: string }> {
  const dir = join(work, String(n++));
  const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8'));
  config.vcs = { enabled: false };
  config.files = { includes: ['**'] };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = await execa(BIOME, ['lint', '--max-diagnostics=50', '.'], { cwd: dir, reject: false, all: true });
  return { exitCode: r.exitCode ?? -1, output: r.all ?? '' };
}

const exporting = (name: string) => `export const ${name} = 1;\n`;

describe('layer rules in biome.json', () => {
  it('a downward import passes', async () => {
    const r = await lint({
      'src/model/a.ts': exporting('a'),
      'src/system/b.ts': `import { a } from '../model/a.js';\nexport const b = a;\n`,
    });
    expect(r.output).not.toMatch(/Layers:/);
    expect(r.exitCode).toBe(0);
  });

  it.each([
    [
      'system/ importing cli/',
      'src/system/b.ts',
      `import { a } from '../cli/a.js';\nexport const b = a;\n`,
      'src/cli/a.ts',
    ],
    [
      'model/ importing live/',
      'src/model/b.ts',
      `import { a } from '../live/a.js';\nexport const b = a;\n`,
      'src/live/a.ts',
    ],
    [
      'render/ importing system/',
      'src/render/b.ts',
      `import { a } from '../system/a.js';\nexport const b = a;\n`,
      'src/system/a.ts',
    ],
  ])('an upward import fails: %s', async (_name, file, text, target) => {
    const r = await lint({ [target]: exporting('a'), [file]: text });
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/Layers:/);
  });

  it('a pure module importing node:fs fails', async () => {
    const r = await lint({
      'src/model/b.ts': `import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n`,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/Pure modules take data, not files/);
  });

  it('a two-file import cycle fails', async () => {
    const r = await lint({
      'src/io/a.ts': `import { b } from './b.js';\nexport const a = () => b;\n`,
      'src/io/b.ts': `import { a } from './a.js';\nexport const b = () => a;\n`,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/noImportCycles/);
  });
});
