import type { Issue } from '../../src/issues.js';
import { validateRenderedDataplane } from '../../src/validate/dataplane.js';
import { parseKumaVersion } from '../../src/versions.js';

/** Validate a rendered Dataplane as kuma-dp of `version` does. */
export const validate = (text: string, version = '2.14.3', file = 'dp.yaml') =>
  validateRenderedDataplane(text, { file, version: parseKumaVersion(version) });

/** The errors only: what makes kuma-dp refuse the Dataplane. */
export const errorsOf = (text: string, version = '2.14.3'): Issue[] =>
  validate(text, version).issues.filter((i) => i.severity === 'error');

/** 1-based line of the first line containing `needle`; a needle that is not there is a bug in the test. */
export const lineWith = (text: string, needle: string): number => {
  const n = text.split('\n').findIndex((l) => l.includes(needle));
  if (n < 0) throw new Error(`test bug: ${needle} not in document`);
  return n + 1;
};

export const HEAD = 'type: Dataplane\nmesh: default\nname: web\n';
export const INBOUND = '  inbound:\n    - port: 8080\n      tags:\n        kuma.io/service: web\n';
/** A valid Dataplane whose networking is `address` + `extra` (+ the standard inbound unless `inbound` is given). */
export const dp = (extra = '', opts: { address?: string; inbound?: string; head?: string } = {}) =>
  `${opts.head ?? HEAD}networking:\n  address: ${opts.address ?? '192.168.1.10'}\n${opts.inbound ?? INBOUND}${extra}`;
