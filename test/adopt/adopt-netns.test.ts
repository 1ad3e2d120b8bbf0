/**
 * Acceptance of `adopt`: hosts set up by hand the guide's way, in real namespaces on both iptables backends. The
 * stand-in kuma-dp is started with `runuser -u kuma-dp -- kuma-dp run --flag value ...` (not by kuma-gitops), the
 * Dataplane template is written by hand, and the rules come from a kumactl invocation (`tproxy rules --format
 * restore`, restored into the namespace). `adopt` writes the host into a copy of the sample repository; `plan` for
 * that host, against the same live host, must then be empty, and the host file must reuse the fleet's and the
 * groups' layers where they give the same result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { HOST_ADDRESS } from '../support/e2e/e2e-host.js';
import { describeE2e } from '../support/e2e/e2e-suite.js';
import { GUIDE_CASE, type HandMade, HOST, handMade, IPV4_CASE, SSH, template } from '../support/e2e/hand-made.js';

const CASES: HandMade[] = [
  GUIDE_CASE,
  IPV4_CASE,
  {
    title: 'DNS capture-all with outbound exclusions: the capture-all-dns group',
    template: template('service.yaml'),
    kumactl: [
      '--redirect-all-dns-traffic',
      ...SSH,
      '--exclude-outbound-ports',
      '5432',
      '--exclude-outbound-ips',
      '169.254.169.254/32,10.20.0.0/16',
    ],
    expect: { keys: ['groups', 'dataplane', 'kumaDp'], groups: ['capture-all-dns'], files: [] },
  },
  {
    title: 'ports, IPs, UIDs, vnet, logs, drop-invalid, no conntrack split: a tproxy layer and a template of its own',
    template: template('service.yaml').replace('redirectPortInbound: 15006', 'redirectPortInbound: 15010'),
    kumactl: [
      '--redirect-inbound-port',
      '15010',
      ...SSH,
      '--vnet',
      'docker0:172.17.0.0/16',
      '--exclude-outbound-ports-for-uids',
      'tcp:3000-5000:106-108',
      '--exclude-outbound-ips',
      '10.0.0.1,fd00::/8',
      '--exclude-inbound-ips',
      '192.168.0.1,fe80::/10',
      '--iptables-logs',
      '--drop-invalid-packets',
      '--redirect-dns',
      '--skip-dns-conntrack-zone-split',
    ],
    expect: {
      keys: ['tproxyConfig', 'dataplane', 'kumaDp'],
      files: [`tproxy/${HOST}.yaml`, `templates/${HOST}.yaml`],
    },
  },
  {
    title: 'included inbound ports, inserted instead of appended, outbound off: a tproxy layer',
    template: template('service.yaml'),
    kumactlConfig: 'redirect: {inbound: {includePorts: [8080, 8443]}, outbound: {enabled: false}}\n',
    kumactl: ['--redirect-dns', '--redirect-inbound-insert-instead-of-append', '--iptables-logs'],
    expect: {
      keys: ['tproxyConfig', 'dataplane', 'kumaDp'],
      files: [`tproxy/${HOST}.yaml`],
      layerHas: ['includePorts: [8080, 8443]', 'insertRedirectInsteadOfAppend: true', 'enabled: false'],
    },
  },
  {
    title: 'comments off, DNS on port 15153 for kuma-dp and kumactl, a KUMA_ variable',
    template: template('service.yaml'),
    kumactl: ['--disable-comments', '--redirect-dns', '--redirect-dns-port', '15153', ...SSH],
    kumaDp: ['--dns-coredns-port', '15153'],
    env: { KUMA_DATAPLANE_DRAIN_TIME: '5s' },
    expect: { keys: ['tproxyConfig', 'dataplane', 'kumaDp'], files: [`tproxy/${HOST}.yaml`] },
  },
  {
    title: 'Kuma 2.13: kuma-dp and kumactl of another version than the fleet’s',
    template: template('service.yaml'),
    kumactl: ['--redirect-dns', ...SSH],
    version: '2.13.10',
    expect: { keys: ['kumaVersion', 'dataplane', 'kumaDp'], files: [] },
  },
  {
    title: 'a kuma-dp that does not answer `version`: the version is read off the rules, and the output says so',
    template: template('service.yaml'),
    kumactl: ['--redirect-dns', ...SSH],
    env: { KUMA_STANDIN_NO_VERSION: '1' },
    versionFrom: 'read off the rules, kumactl 2.14',
    expect: { keys: ['dataplane', 'kumaDp'], files: [] },
  },
  {
    title: 'one tproxy file written by hand for kumactl and kuma-dp (2.11+): kept where it is, read by meaning',
    template: template('service.yaml'),
    tproxyFile:
      '# by hand\nkumaDPUser: kuma-dp\nredirect: {inbound: {excludePorts: [22], port: 15006}, dns: {enabled: true}}\n',
    kumactl: [],
    // kuma-dp reads the file, so its meaning must be kept: the fleet's layer does not name the user.
    expect: { keys: ['tproxyConfig', 'dataplane', 'kumaDp'], files: [`tproxy/${HOST}.yaml`] },
  },
];

await describeE2e('adopt a host set up by hand', (_backend, fresh) => {
  it.each(CASES)(
    '$title',
    async (c) => {
      const h = await fresh();
      await handMade(h, c);
      const adopted = await h.cli('adopt', [], { host: HOST });
      expect([adopted.code, adopted.stderr]).toEqual([0, '']);
      const version = c.version ?? '2.14.3';
      const from = c.versionFrom ?? `\`kuma-dp version\`: kuma-dp-standin ${version}`;
      expect(adopted.stdout).toContain(`adopted ${HOST}: Kuma ${version} (${from}`);

      const plan = await h.cli('plan', [], { host: HOST });
      expect([plan.code, plan.stdout], plan.stderr).toEqual([0, expect.stringContaining('in sync')]);

      const doc = parse(readFileSync(join(h.repo, 'hosts', `${HOST}.yaml`), 'utf8'));
      if (process.env.SHOW)
        console.log(
          readFileSync(join(h.repo, 'hosts', `${HOST}.yaml`), 'utf8'),
          existsSync(join(h.repo, 'tproxy', `${HOST}.yaml`))
            ? readFileSync(join(h.repo, 'tproxy', `${HOST}.yaml`), 'utf8')
            : '',
        );
      expect(Object.keys(doc)).toEqual(c.expect.keys);
      expect(doc.groups).toEqual(c.expect.groups);
      expect(doc.kumaVersion).toBe(c.version);
      // The guide keeps no tproxy file: none is written; a file kuma-dp is given stays where it is, as it is.
      expect(doc.kumaDp).toMatchObject(
        c.tproxyFile ? { tproxyConfigFile: h.files.tproxy, passTproxyConfig: true } : { writeTproxyConfigFile: false },
      );
      // The guide keeps no tproxy file: none is written; a file kuma-dp is given stays where it is, as it is.
      expect(doc.kumaDp).toMatchObject(
        c.tproxyFile ? { tproxyConfigFile: h.files.tproxy, passTproxyConfig: true } : { writeTproxyConfigFile: false },
      );
      expect(doc.dataplane).toEqual({
        vars: { name: HOST, address: HOST_ADDRESS, port: 8080, service: 'web' },
        ...(c.expect.files.some((f) => f.startsWith('templates/')) ? { template: `templates/${HOST}.yaml` } : {}),
      });
      if (c.tproxyFile)
        expect(readFileSync(join(h.repo, 'tproxy', `${HOST}.yaml`), 'utf8')).toBe('kumaDPUser: kuma-dp\n');
      for (const line of c.expect.layerHas ?? []) {
        expect(readFileSync(join(h.repo, 'tproxy', `${HOST}.yaml`), 'utf8')).toContain(line);
      }
      for (const file of [`tproxy/${HOST}.yaml`, `templates/${HOST}.yaml`]) {
        expect([file, existsSync(join(h.repo, file))]).toEqual([file, c.expect.files.includes(file)]);
      }
    },
    180_000,
  );
});
