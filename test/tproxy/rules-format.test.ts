import { describe, expect, it } from 'vitest';
import { defaultTproxyConfig, type TproxyConfig } from '../../src/tproxy/config-types.js';
import { buildRuleSets } from '../../src/tproxy/rules/build-rule-sets.js';
import type { BuiltRule } from '../../src/tproxy/rules/built-rules.js';
import { COMMENT_MAX_BYTES, commentBytes, quoteGo, renderComment } from '../../src/tproxy/rules/comments.js';
import { formatDryRun, formatRestore, formatRule } from '../../src/tproxy/rules/format-restore.js';
import { parseKumaVersion } from '../../src/versions.js';

const PREFIX = 'kuma/mesh/transparent/proxy/';
const build = (edit: (c: TproxyConfig) => void = () => {}, facts = {}, version = '2.14.3') => {
  const c = defaultTproxyConfig();
  edit(c);
  return buildRuleSets(parseKumaVersion(version), c, facts, '5678');
};

describe('comments', () => {
  it('prefixes, quotes and puts the comment right after the position', () => {
    const rule: BuiltRule = {
      chain: 'OUTPUT',
      op: 'insert',
      position: 3,
      comment: 'say "hi" \\ it\'s',
      params: ['-j', 'RETURN'],
    };
    expect(formatRule(rule)).toBe(`-I OUTPUT 3 -m comment --comment "${PREFIX}say \\"hi\\" \\\\ it's" -j RETURN`);
  });

  it('cuts prefix + text to 254 bytes before quoting', () => {
    const text = 'x'.repeat(300);
    expect(commentBytes(text).length).toBe(COMMENT_MAX_BYTES);
    expect(renderComment(text)).toBe(`"${PREFIX}${'x'.repeat(254 - PREFIX.length)}"`);
    const exact = 'y'.repeat(254 - PREFIX.length);
    expect(renderComment(exact)).toBe(`"${PREFIX}${exact}"`);
    // Escapes are added after the cut, so the quoted text may be longer than 254 bytes.
    expect(renderComment('"'.repeat(300))).toBe(`"${PREFIX}${'\\"'.repeat(254 - PREFIX.length)}"`);
  });

  it('counts bytes, not characters, and shows a split UTF-8 sequence as \\x like Go', () => {
    const text = `${'a'.repeat(254 - PREFIX.length - 1)}é`;
    expect(renderComment(text)).toBe(`"${PREFIX}${'a'.repeat(254 - PREFIX.length - 1)}\\xc3"`);
  });

  it.each([
    ['tab\tnl\n', '"tab\\tnl\\n"'],
    ['\u0001\u007f', '"\\x01\\x7f"'],
    ['soft\u00adhyphen', '"soft\\u00adhyphen"'],
    ['büro ☃ 🚀', '"büro ☃ 🚀"'],
    ['\u{e0001}', '"\\U000e0001"'],
  ])('quotes %j like Go %%q', (text, want) => {
    expect(quoteGo(new TextEncoder().encode(text))).toBe(want);
  });

  it('built-in comments fit: the longest are the Docker loopback (226 bytes) and loopback redirect (223) ones', () => {
    const [v4] = build(
      (c) => {
        c.redirect.dns.enabled = true;
      },
      { dnsServers: ['127.0.0.11'] },
    );
    const sizes = v4!.tables.flatMap((t) => t.rules).map((r) => Buffer.byteLength(PREFIX + r.comment));
    expect(sizes.sort((a, b) => b - a).slice(0, 2)).toEqual([226, 223]);
  });

  it.each([
    ['comments.disabled', { comments: true }, {}],
    ['no comment module', {}, { modules: { comment: false } }],
    ['no usable executables', {}, { executables: false }],
  ])('are left out with %s', (_name, cfg, facts) => {
    const sets = build((c) => {
      c.comments.disabled = 'comments' in cfg;
    }, facts);
    expect(sets.flatMap((s) => s.tables.flatMap((t) => t.rules)).every((r) => r.comment === undefined)).toBe(true);
    expect(formatDryRun(sets)).not.toContain('--comment');
  });
});

describe('restore and dry-run layout', () => {
  const dnsNoComments = (c: TproxyConfig) => {
    c.comments.disabled = true;
    c.ipFamilyMode = 'ipv4';
    c.redirect.dns.captureAll = true;
  };

  it('non-verbose: `* table`, -N lines, rules, COMMIT; tables joined by one newline; one final newline', () => {
    const [v4] = build(dnsNoComments);
    const text = formatRestore(v4!);
    expect(text.startsWith('* raw\n-A PREROUTING -p udp --sport 53 -j CT --zone 1\n')).toBe(true);
    expect(text).toContain('COMMIT\n* nat\n-N KUMA_MESH_INBOUND\n-N KUMA_MESH_OUTBOUND\n');
    expect(text.endsWith('-A KUMA_MESH_OUTBOUND_REDIRECT -p tcp -j REDIRECT --to-ports 15001\nCOMMIT\n')).toBe(true);
  });

  it('verbose: long option names, headers and blank lines between parts and tables', () => {
    const [v4] = build((c) => {
      dnsNoComments(c);
      c.redirect.vnet.networks = ['-d:10.0.0.0/8']; // an interface name that looks like an option stays as is
    });
    expect(formatRestore(v4!, { verbose: true })).toBe(
      [
        '* raw',
        '',
        '# Rules:',
        '--append PREROUTING --protocol udp --source-port 53 --jump CT --zone 1',
        '--append OUTPUT --protocol udp --destination-port 53 --match owner --uid-owner 5678 --jump CT --zone 1',
        '--append OUTPUT --protocol udp --source-port 15053 --match owner --uid-owner 5678 --jump CT --zone 2',
        '--append OUTPUT --protocol udp --destination-port 53 --jump CT --zone 2',
        '',
        'COMMIT',
        '',
        '* nat',
        '',
        '# Custom Chains:',
        '--new-chain KUMA_MESH_INBOUND',
        '--new-chain KUMA_MESH_OUTBOUND',
        '--new-chain KUMA_MESH_INBOUND_REDIRECT',
        '--new-chain KUMA_MESH_OUTBOUND_REDIRECT',
        '',
        '# Rules:',
        '--insert PREROUTING 1 --in-interface -d --match udp --protocol udp --destination-port 53 --jump REDIRECT --to-ports 15053',
        '--insert PREROUTING 2 ! --destination 10.0.0.0/8 --in-interface -d --protocol tcp --jump REDIRECT --to-ports 15001',
        '--insert PREROUTING 3 --protocol tcp --jump KUMA_MESH_INBOUND',
        '--insert OUTPUT 1 --protocol udp --destination-port 53 --match owner --uid-owner 5678 --jump RETURN',
        '--append OUTPUT --protocol tcp --destination-port 53 --match owner ! --uid-owner 5678 --jump RETURN',
        '--insert OUTPUT 2 --protocol udp --destination-port 53 --jump REDIRECT --to-ports 15053',
        '--append OUTPUT --protocol tcp --jump KUMA_MESH_OUTBOUND',
        '--append KUMA_MESH_INBOUND --protocol tcp --jump KUMA_MESH_INBOUND_REDIRECT',
        '--append KUMA_MESH_OUTBOUND --source 127.0.0.6/32 --out-interface lo --jump RETURN',
        '--append KUMA_MESH_OUTBOUND --protocol tcp --out-interface lo ! --destination 127.0.0.1/32 --match owner --uid-owner 5678 --jump KUMA_MESH_INBOUND_REDIRECT',
        '--append KUMA_MESH_OUTBOUND --protocol tcp --out-interface lo --match owner ! --uid-owner 5678 --jump RETURN',
        '--append KUMA_MESH_OUTBOUND --match owner --uid-owner 5678 --jump RETURN',
        '--append KUMA_MESH_OUTBOUND --destination 127.0.0.1/32 --jump RETURN',
        '--append KUMA_MESH_OUTBOUND --jump KUMA_MESH_OUTBOUND_REDIRECT',
        '--append KUMA_MESH_INBOUND_REDIRECT --protocol tcp --jump REDIRECT --to-ports 15006',
        '--append KUMA_MESH_OUTBOUND_REDIRECT --protocol tcp --jump REDIRECT --to-ports 15001',
        '',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('verbose comments use --match comment', () => {
    const rule: BuiltRule = {
      chain: 'PREROUTING',
      op: 'append',
      comment: 'c',
      params: ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'],
    };
    expect(formatRule(rule, { verbose: true })).toBe(
      `--append PREROUTING --match comment --comment "${PREFIX}c" --match conntrack --ctstate INVALID --jump DROP`,
    );
  });

  it('dry-run: IPv4 header, blank line, trimmed file; then IPv6 the same way; one final newline', () => {
    const sets = build((c) => {
      c.comments.disabled = true;
    });
    const [v4, v6] = sets.map((s) => formatRestore(s).trimEnd());
    expect(formatDryRun(sets)).toBe(`### IPv4 ###\n\n${v4}\n\n### IPv6 ###\n\n${v6}\n`);
    expect(formatDryRun(sets.slice(0, 1))).toBe(`### IPv4 ###\n\n${v4}\n`);
    const verbose = formatDryRun(sets, { verbose: true });
    expect(verbose).toMatch(/COMMIT\n\n### IPv6 ###\n\n\* nat\n\n# Custom Chains:\n/);
    expect(verbose.endsWith('COMMIT\n')).toBe(true);
  });
});
