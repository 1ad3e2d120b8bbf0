import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dnsQuery, TYPE, udpExchange } from './dns-client.js';
import { freePorts, get, readTcp, runToExit, sharedFixture, start } from './harness.js';

const f = sharedFixture();

const fast = (env: Record<string, string> = {}) => ({
  ...f.env,
  KUMA_STANDIN_READY_AFTER_MS: '0',
  KUMA_STANDIN_DRAIN_MS: '0',
  ...env,
});

/** Starts, waits for ready, runs `check`, then stops it with SIGTERM and expects exit 0. */
async function whileReady(args: string[], env: Record<string, string>, check: () => Promise<void>) {
  const dp = start(args, env);
  await dp.waitForEvent('ready');
  try {
    await check();
  } finally {
    dp.child.kill('SIGTERM');
  }
  expect((await dp.exited).code).toBe(0);
  return dp;
}

const answersDns = async (port: number) =>
  (await udpExchange(port, '127.0.0.1', dnsQuery(1, 'x.mesh', TYPE.A), 300)) !== undefined;
const refused = (port: number) =>
  readTcp(port).then(
    () => false,
    (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
  );

describe('stand-in kuma-dp: env over flags (REFERENCE §4.1)', () => {
  it('KUMA_DNS_CORE_DNS_PORT beats --dns-coredns-port; other settings take env values too', async () => {
    const [flagPort] = await freePorts(1);
    const env = fast({ KUMA_CONTROL_PLANE_URL: 'https://env-cp:5678', KUMA_DATAPLANE_DRAIN_TIME: '1s' });
    const dp = await whileReady(
      [...f.guideArgs, `--dns-coredns-port=${flagPort}`, '--drain-time', '5s'],
      env,
      async () => {
        expect(await answersDns(f.dns)).toBe(true);
        expect(await answersDns(flagPort!)).toBe(false);
      },
    );
    const effective = dp.events().find((e) => e.event === 'effective config')!.details;
    expect(effective).toMatchObject({
      'cp-address': 'https://env-cp:5678',
      'drain-time': '1s',
      'dns-coredns-port': f.dns,
      'readiness-port': f.readiness,
    });
    expect(dp.events().find((e) => e.event === 'env applied')!.details.vars).toEqual([
      'KUMA_CONTROL_PLANE_URL',
      'KUMA_DATAPLANE_DRAIN_TIME',
      'KUMA_DNS_CORE_DNS_PORT',
      'KUMA_READINESS_PORT',
    ]);
  });

  it('a non-zero KUMA_DNS_PROXY_PORT replaces the CoreDNS port', async () => {
    const [proxyPort] = await freePorts(1);
    await whileReady(f.guideArgs, fast({ KUMA_DNS_PROXY_PORT: String(proxyPort) }), async () => {
      expect(await answersDns(proxyPort!)).toBe(true);
      expect(await answersDns(f.dns)).toBe(false);
    });
  });

  it('KUMA_DNS_ENABLED=false beats --dns-enabled=true: no DNS listener', async () => {
    const dp = await whileReady(
      [...f.guideArgs, '--dns-enabled=true'],
      fast({ KUMA_DNS_ENABLED: 'false' }),
      async () => {
        expect(await answersDns(f.dns)).toBe(false);
      },
    );
    expect(dp.events().some((e) => e.event === 'listening' && e.details.listener === 'dns')).toBe(false);
  });

  it('KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH beats -d, and shorthand and spaced flags parse like pflag', async () => {
    const other = join(f.dir, 'other.yaml');
    await writeFile(other, 'type: Dataplane\nmesh: other\nname: "{{ name }}"\nnetworking:\n  address: 192.0.2.99\n');
    const args = ['run', '-d', '/nonexistent.yaml', '-v', 'name=a', '-vport=1', '--dataplane-var', 'name=b'];
    const dp = await whileReady(args, fast({ KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH: other }), async () => undefined);
    const rendered = dp.events().find((e) => e.event === 'rendered resource')!.details.resource;
    expect(rendered).toBe('type: Dataplane\nmesh: other\nname: "b"\nnetworking:\n  address: 192.0.2.99\n');
  });
});

describe('stand-in kuma-dp: where the redirect ports and readiness address come from', () => {
  it('--transparent-proxy-config files (repeatable, merged in order) override the Dataplane ports', async () => {
    const [inbound, outbound] = await freePorts(2);
    const first = join(f.dir, 'tproxy-1.yaml');
    const second = join(f.dir, 'tproxy-2.yaml');
    // redirect.dns.port is not kuma-dp's business (§4.5): even a broken value there is ignored.
    await writeFile(
      first,
      `redirect:\n  inbound:\n    port: ${inbound}\n  outbound:\n    port: 1\n  dns:\n    port: nope\n`,
    );
    await writeFile(second, `redirect:\n  outbound:\n    port: ${outbound}\n`);
    const args = [...f.guideArgs, `--transparent-proxy-config=${first}`, '--transparent-proxy-config', second];
    await whileReady(args, fast(), async () => {
      expect(await readTcp(inbound!)).toMatch(new RegExp(`^kuma-dp-standin port=${inbound} `));
      expect(await readTcp(outbound!)).toMatch(new RegExp(`^kuma-dp-standin port=${outbound} `));
      expect(await refused(f.inbound)).toBe(true);
      expect(await refused(f.outbound)).toBe(true);
    });
  });

  it('a direction disabled in the tproxy config is not bound', async () => {
    const [inbound] = await freePorts(1);
    const file = join(f.dir, 'tproxy-no-outbound.yaml');
    await writeFile(file, `redirect:\n  inbound:\n    port: ${inbound}\n  outbound:\n    enabled: false\n`);
    const dp = await whileReady([...f.guideArgs, `--transparent-proxy-config=${file}`], fast(), async () => {
      expect(await readTcp(inbound!)).toMatch(/^kuma-dp-standin /);
    });
    expect(
      dp
        .events()
        .filter((e) => e.event === 'listening')
        .map((e) => e.details.listener),
    ).not.toContain('outbound');
  });

  it('a bad value in a key kuma-dp reads from the tproxy config is an error', async () => {
    const file = join(f.dir, 'tproxy-bad.yaml');
    await writeFile(file, 'redirect:\n  inbound:\n    port: abc\n');
    const r = await runToExit([...f.guideArgs, `--transparent-proxy-config=${file}`], fast());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: transparent proxy config:\nerror: .*tproxy-bad\.yaml:3 redirect\.inbound\.port: /,
    );
  });

  it('before 2.11 kuma-dp has no --transparent-proxy-config flag', async () => {
    const r = await runToExit(
      [...f.guideArgs, '--transparent-proxy-config=x.yaml'],
      fast({ KUMA_STANDIN_VERSION: '2.10' }),
    );
    expect([r.code, r.stderr]).toEqual([1, 'Error: unknown flag: --transparent-proxy-config\n']);
  });

  it('validates per KUMA_STANDIN_VERSION: a Dataplane without inbound is fine in 2.14, an error in 2.13', async () => {
    const inline = `type: Dataplane\nmesh: default\nname: web\nnetworking:\n  address: 192.0.2.10\n  transparentProxying:\n    redirectPortInbound: ${f.inbound}\n    redirectPortOutbound: ${f.outbound}\n`;
    const args = ['run', `--dataplane=${inline}`];
    const old = await runToExit(args, fast({ KUMA_STANDIN_VERSION: '2.13.10' }));
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('networking: has to contain at least one inbound interface or gateway');
    await whileReady(args, fast(), async () => {
      expect(await readTcp(f.outbound)).toMatch(/^kuma-dp-standin /);
    });
  });

  it('serves readiness on ::1 when the Dataplane address is IPv6', async () => {
    const args = f.guideArgs.map((a) => (a.includes('address=') ? '--dataplane-var=address=fd00::10' : a));
    await whileReady(args, fast(), async () => {
      expect(await get(f.readiness, '/ready', '::1')).toMatchObject({ status: 200, body: 'READY' });
      expect(await get(f.readiness)).toBeUndefined();
    });
  });
});
