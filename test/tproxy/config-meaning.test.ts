import { describe, expect, it } from 'vitest';
import { sameTproxyMeaning } from '../../src/tproxy/config-meaning.js';

const OURS = 'redirect:\n  dns:\n    enabled: true\n  inbound:\n    excludePorts: [22]\n';

describe('sameTproxyMeaning: the same config to kumactl and kuma-dp', () => {
  it.each<[string, string, boolean]>([
    ['the same text', OURS, true],
    [
      'comments, flow style, another key order',
      '# by hand\nredirect: {inbound: {excludePorts: [22]}, dns: {enabled: true}}\n',
      true,
    ],
    ['defaults spelt out', `${OURS}  outbound:\n    port: 15001\nipFamilyMode: dualstack\n`, true],
    ['JSON', '{"redirect": {"dns": {"enabled": true}, "inbound": {"excludePorts": [22]}}}', true],
    ['another port list', OURS.replace('[22]', '[22, 2222]'), false],
    ['a YAML syntax error: kumactl refuses it, so it means nothing', `${OURS}redirect: [\n`, false],
    ['not a mapping', 'old', false],
  ])('%s → %s', (_, text, same) => {
    expect(sameTproxyMeaning(text, OURS)).toBe(same);
  });
});
