/**
 * What tests and the demo run as another user (the stand-in kuma-dp, the probe, the supervisor's fake kuma-dp, the
 * CLI for the 'not root' refusals) runs from copies placed in the test's own sandbox folder, never from the
 * checkout: a checkout under /root or a `mktemp -d` folder (both 0700 on Debian) cannot be entered by those users,
 * and the checkout is never opened up for them. The stand-in imports the project's dist/ and its packages, so its
 * copy is one esbuild bundle (built once per process, from what `npm run build` left in dist/).
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { ROOT } from './world/cli.js';

export interface SandboxTools {
  /** `<parent>/tools`, 0755, owned by root. */
  dir: string;
  /** The stand-in kuma-dp, bundled into one executable file (`#!/usr/bin/env node`). */
  kumaDp: string;
  /** test/standin/probe.mjs (node builtins only). */
  probe: string;
  /** test/supervisor/fake-dp.mjs (node builtins only). */
  fakeDp: string;
  /** dist/bin/kuma-gitops.js, copied with its chunks on first use. */
  cli(): string;
}

let standinBundle: Uint8Array | undefined;

function bundleStandin(): Uint8Array {
  if (!existsSync(join(ROOT, 'dist/render/dataplane-vars.js'))) {
    throw new Error('the stand-in kuma-dp imports the project’s dist/: run npm run build first');
  }
  const result = buildSync({
    entryPoints: [join(ROOT, 'test/standin/kuma-dp.mjs')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // The project's bundle does the same: CommonJS dependencies call require().
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return result.outputFiles[0]!.contents;
}

/**
 * Places the tools in `<parent>/tools`. Throws, naming the folder, when `parent` sits under a folder other users
 * cannot enter (e.g. TMPDIR under /root): the copies would be as unreachable as the checkout.
 */
export function placeSandboxTools(parent: string): SandboxTools {
  const blocked = unsearchableAncestor(parent);
  if (blocked !== undefined) {
    throw new Error(
      `other users cannot enter ${blocked.path} (mode ${blocked.mode.toString(8).padStart(4, '0')}), so the ` +
        `stand-ins placed in ${parent} could not run as them: make it 0755, or set TMPDIR to a folder every user ` +
        'can enter, e.g. /tmp',
    );
  }
  const dir = join(parent, 'tools');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  const place = (name: string, write: (path: string) => void) => {
    const path = join(dir, name);
    write(path);
    chmodSync(path, 0o755);
    return path;
  };
  standinBundle ??= bundleStandin();
  const bundle = standinBundle;
  const kumaDp = place('kuma-dp.mjs', (p) => writeFileSync(p, bundle));
  const probe = place('probe.mjs', (p) => copyFileSync(join(ROOT, 'test/standin/probe.mjs'), p));
  const fakeDp = place('fake-dp.mjs', (p) => copyFileSync(join(ROOT, 'test/supervisor/fake-dp.mjs'), p));
  let cli: string | undefined;
  return {
    dir,
    kumaDp,
    probe,
    fakeDp,
    cli() {
      if (cli === undefined) {
        // The bundle and its chunks are self-contained (esbuild --bundle): the folder is all it needs.
        cpSync(join(ROOT, 'dist/bin'), join(dir, 'cli'), { recursive: true });
        chmodSync(join(dir, 'cli'), 0o755);
        cli = join(dir, 'cli', 'kuma-gitops.js');
      }
      return cli;
    },
  };
}

/** The first folder above `path`, from the root down, without search permission for others. */
function unsearchableAncestor(path: string): { path: string; mode: number } | undefined {
  const chain: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dir === dirname(dir)) break;
  }
  for (const dir of chain) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) return { path: dir, mode };
  }
  return undefined;
}
