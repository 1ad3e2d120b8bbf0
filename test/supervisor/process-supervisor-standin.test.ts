import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { guideTemplate, TOKEN } from '../standin/harness.js';
import { describeWithNetns } from '../support/netns.js';
import { placeSandboxTools } from '../support/sandbox-tools.js';
import { createTestUser, type TestUser } from './helpers.js';
import { readinessGate, supervisorFixture } from './process-fixture.js';

// The guide's command with the stand-in kuma-dp in place of the real one: start, gate on /ready, drain on stop.
// The stand-in renders the Dataplane with the project's dist/, hence the build.
// The stand-in imports dist/; `npm test` builds first. Under CI a missing build fails these tests, it never skips them.
const built = existsSync(new URL('../../dist/render/dataplane-vars.js', import.meta.url)) || process.env.CI === 'true';
if (!built) console.warn('[standin] process supervisor with the stand-in skipped: run npm run build first');

await describeWithNetns('process supervisor with the stand-in kuma-dp', ['runuser', 'node'], (fresh) => {
  let user: TestUser;
  let files: string;
  let standin: string;
  const fixture = supervisorFixture(() => fresh());
  beforeAll(async () => {
    user = await createTestUser();
    files = await mkdtemp(join(tmpdir(), 'kgtest-supervisor-standin-'));
    await chmod(files, 0o755);
    standin = placeSandboxTools(files).kumaDp; // the user may not be able to enter the checkout
    await writeFile(join(files, 'token'), TOKEN, { mode: 0o644 });
    await writeFile(join(files, 'dataplane.yaml'), guideTemplate(15006, 15001), { mode: 0o644 });
  });
  afterAll(async () => {
    await fixture.cleanup();
    await user?.remove();
    if (files) await rm(files, { recursive: true, force: true });
  });
  const argv = () => [
    'runuser',
    '-u',
    user.name,
    '--',
    standin,
    'run',
    '--cp-address=https://192.0.2.1:5678',
    `--dataplane-token-file=${join(files, 'token')}`,
    `--dataplane-file=${join(files, 'dataplane.yaml')}`,
    '--dataplane-var=name=example-server-dataplane',
    '--dataplane-var=address=192.0.2.10',
    '--dataplane-var=port=8080',
  ];

  it.skipIf(!built)('starts it, waits for ready, and lets it drain (TERMINATING) on stop', async () => {
    const setup = await fixture.make();
    const { sup } = setup;
    await sup.start(argv(), { KUMA_STANDIN_READY_AFTER_MS: '300', KUMA_STANDIN_DRAIN_MS: '400' });
    await readinessGate(setup).wait({ timeoutMs: 15_000 });
    await sup.stop({ timeoutMs: 10_000 });
    const log = await readFile(sup.paths.logFile, 'utf8');
    expect(log).toMatch(/\tready\t/);
    expect(log).toMatch(/\tterminating\t/);
    expect(log).toMatch(/\texiting\t/);
    expect(await sup.status()).toBeUndefined();
  });

  it.skipIf(!built)('a stand-in that never gets ready fails the gate with kuma-dp.not-ready', async () => {
    const setup = await fixture.make();
    await setup.sup.start(argv(), { KUMA_STANDIN_NEVER_READY: '1' });
    const error = await readinessGate(setup)
      .wait({ timeoutMs: 1_500 })
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'kuma-dp.not-ready' });
    expect(error.data.lastStatus).toMatch(/HTTP 503 NOT_READY|ECONNREFUSED/);
  });

  it.skipIf(!built)('a stand-in that exits at start fails the gate with kuma-dp.exited at once', async () => {
    const setup = await fixture.make();
    await setup.sup.start(argv(), { KUMA_STANDIN_EXIT_AT_START: '3' });
    const t0 = Date.now();
    const error = await readinessGate(setup)
      .wait({ timeoutMs: 30_000 })
      .catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: 'kuma-dp.exited' });
  });
});
