import { KumaGitopsError } from './errors.js';

/** A Kuma release line the rule generator and kuma-dp flag set are keyed on. */
export interface KumaVersion {
  major: number;
  minor: number;
  /** Missing patch (`2.9`) means "any patch": treated as the newest known behaviour of that minor line. */
  patch: number | undefined;
}

export const OLDEST_SUPPORTED = { major: 2, minor: 9 } as const;
export const NEWEST_SUPPORTED = { major: 2, minor: 14 } as const;
export const DEFAULT_KUMA_VERSION = '2.14.3';

const VERSION_RE = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

export function parseKumaVersion(text: string): KumaVersion {
  const m = VERSION_RE.exec(text.trim());
  if (!m) {
    throw new KumaGitopsError(
      'version.invalid',
      `Kuma version '${text}' is not a version: write it as MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 2.14.3`,
      { version: text },
    );
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? undefined : Number(m[3]) };
}

export function formatKumaVersion(v: KumaVersion): string {
  return v.patch === undefined ? `${v.major}.${v.minor}` : `${v.major}.${v.minor}.${v.patch}`;
}

/** Compare with a missing patch on either side counting as "newest patch" (Infinity). */
export function compareKumaVersions(a: KumaVersion, b: KumaVersion): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    (a.patch ?? Number.POSITIVE_INFINITY) - (b.patch ?? Number.POSITIVE_INFINITY) ||
    0
  );
}

/** `atLeast(v, 2, 11)` is true for 2.11.0 and every later version. */
export function atLeast(v: KumaVersion, major: number, minor: number, patch = 0): boolean {
  return compareKumaVersions(v, { major, minor, patch }) >= 0;
}

export function isSupported(v: KumaVersion): boolean {
  return atLeast(v, OLDEST_SUPPORTED.major, OLDEST_SUPPORTED.minor) && !atLeast(v, 2, NEWEST_SUPPORTED.minor + 1);
}
