/** Interface names as the kernel accepts them (dev_valid_name), for vnet entries kumactl writes as they are. */
import { describe, expect, it } from 'vitest';
import { interfaceNameProblem } from '../../src/tproxy/lint-list-traps.js';

describe('interfaceNameProblem', () => {
  it.each(['eth0', 'docker0', 'br+', 'br-4f2a9c01d2e3', 'a'.repeat(15), 'veth.10', 'wg_0'])('accepts %j', (name) =>
    expect(interfaceNameProblem(name)).toBeUndefined(),
  );
  it.each([
    ['', /is empty/],
    ['a'.repeat(16), /longer than the 15 bytes/],
    ['ééééééééé', /longer than the 15 bytes/],
    ['.', /not a name the kernel allows/],
    ['..', /not a name the kernel allows/],
    ['eth/0', /'\/', ':' or whitespace/],
    ['eth 0', /'\/', ':' or whitespace/],
    ['eth0\n', /control character/],
    ['eth\u00000', /control character/],
  ])('refuses %j', (name, problem) => expect(interfaceNameProblem(name)).toMatch(problem));
});
