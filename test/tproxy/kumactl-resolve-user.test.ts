import { describe, expect, it } from 'vitest';
import { resolveKumaDpUser } from '../../src/tproxy/resolve-user.js';

const WITH_KUMA_DP = { root: 0, app: 1000, 'kuma-dp': 5678 };
const NAMED_ONLY = { root: 0, 'kuma-dp': 999 };
const NOBODY = { root: 0 };

describe('resolveKumaDpUser (REFERENCE §1.4)', () => {
  it.each([
    ['', false, WITH_KUMA_DP, '5678'],
    ['', false, NAMED_ONLY, '999'],
    ['', false, { root: 0, other: 5678 }, '5678'],
    ['root', false, WITH_KUMA_DP, '0'],
    ['0', false, WITH_KUMA_DP, '0'],
    ['app', false, WITH_KUMA_DP, '1000'],
    ['1000', false, WITH_KUMA_DP, '1000'],
    ['', true, NOBODY, '5678'],
    ['nobody-here', true, NOBODY, 'nobody-here'],
  ])('user %j (cniMode %s) → UID %s', (kumaDPUser, cniMode, users, uid) => {
    expect(resolveKumaDpUser({ kumaDPUser, cniMode }, users)).toEqual({ ok: true, uid });
  });

  it.each([
    ['ghost', WITH_KUMA_DP, "the specified UID or username ('ghost') does not refer to a valid user on the host"],
    ['01000', WITH_KUMA_DP, "the specified UID or username ('01000') does not refer to a valid user on the host"],
    ['4242', WITH_KUMA_DP, "the specified UID or username ('4242') does not refer to a valid user on the host"],
    [
      '',
      NOBODY,
      "no UID or username provided, and user with the default UID ('5678') or username ('kuma-dp') could not be found",
    ],
  ])('user %j fails with kumactl text', (kumaDPUser, users, message) => {
    expect(resolveKumaDpUser({ kumaDPUser, cniMode: false }, users)).toEqual({ ok: false, message });
  });
});
