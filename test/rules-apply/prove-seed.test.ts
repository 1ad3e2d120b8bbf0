/**
 * What the throw-away namespace is loaded with: our rules, placeholders where foreign rules sat, and empty
 * declarations of the foreign chains our rules jump to. Pure.
 */
import { describe, expect, it } from 'vitest';
import { parseSave } from '../../src/iptables/parse-save.js';
import { extractOwned } from '../../src/rules-apply/owned-state.js';
import { buildProveSeed, PLACEHOLDER_COMMENT, placeholderCounts } from '../../src/rules-apply/prove-seed.js';
import { EMPTY_TARGET } from '../../src/rules-apply/transition-payload.js';

const C = '"kuma/mesh/transparent/proxy/x"';
const live = parseSave(`*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER_OUTPUT - [0:0]
:KUMA_MESH_OUTBOUND - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT -p udp -m comment --comment ${C} -m udp --dport 53 -j DOCKER_OUTPUT
-A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT -p tcp -m comment --comment ${C} -j KUMA_MESH_OUTBOUND
-A KUMA_MESH_OUTBOUND -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -i eth0 -m set --match-set blocked src -j DROP
COMMIT
`);

describe('the proof namespace seed', () => {
  it('holds our rules in order with one placeholder per run of foreign rules, and no foreign rule itself', () => {
    const seed = buildProveSeed(extractOwned(live), EMPTY_TARGET, live);
    const P = `-m comment --comment "${PLACEHOLDER_COMMENT}"`;
    expect(seed).toBe(
      [
        '*nat',
        ':DOCKER_OUTPUT - [0:0]',
        ':KUMA_MESH_OUTBOUND - [0:0]',
        '-A KUMA_MESH_OUTBOUND -j RETURN',
        `-A OUTPUT -p udp -m comment --comment ${C} -m udp --dport 53 -j DOCKER_OUTPUT`,
        `-A OUTPUT ${P}`,
        `-A OUTPUT -p tcp -m comment --comment ${C} -j KUMA_MESH_OUTBOUND`,
        'COMMIT',
        '',
      ].join('\n'),
    );
    // What *-save of the namespace shows then: the placeholders to count again after the payload.
    const saved = `*nat\n:OUTPUT ACCEPT [0:0]\n${seed
      .split('\n')
      .filter((l) => l.startsWith('-A OUTPUT'))
      .join('\n')}\nCOMMIT\n`;
    expect(placeholderCounts(parseSave(saved))).toEqual({ 'nat/OUTPUT': 1 });
  });

  it('declares foreign chains the target jumps to, and is empty when there is nothing to load', () => {
    const to = {
      tables: [
        {
          name: 'nat',
          chains: [{ name: 'OUTPUT', policy: 'ACCEPT' }],
          rules: [
            {
              chain: 'OUTPUT',
              args: ['-j', 'DOCKER_OUTPUT'],
              text: '-A OUTPUT -j DOCKER_OUTPUT',
              placement: 'insert' as const,
            },
          ],
        },
      ],
    };
    expect(buildProveSeed({ tables: [] }, to, live)).toBe('*nat\n:DOCKER_OUTPUT - [0:0]\nCOMMIT\n');
    expect(buildProveSeed({ tables: [] }, EMPTY_TARGET, live)).toBe('');
  });
});
