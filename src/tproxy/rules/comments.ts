import { COMMENT_PREFIX } from '../../model/ownership.js';

/**
 * kumactl cuts the full comment (prefix included) to this many bytes before quoting (kumahq/kuma
 * pkg/transparentproxy/iptables/rules/rules.go@v2.14.3, 254 bytes including the 28-byte prefix).
 */
export const COMMENT_MAX_BYTES = 254;

const utf8 = new TextEncoder();

/** `<prefix>/<text>` as UTF-8, cut to the first 254 bytes (a multi-byte character may be split, as in Go). */
export function commentBytes(text: string): Uint8Array {
  const bytes = utf8.encode(`${COMMENT_PREFIX}/${text}`);
  return bytes.length > COMMENT_MAX_BYTES ? bytes.slice(0, COMMENT_MAX_BYTES) : bytes;
}

/** The `--comment` argument exactly as kumactl writes it: truncated, then Go `%q`-quoted. */
export const renderComment = (text: string): string => quoteGo(commentBytes(text));

const HEX = '0123456789abcdef';
const hex = (n: number, width: number): string => {
  let s = '';
  for (let i = width - 1; i >= 0; i--) s += HEX[(n >> (4 * i)) & 0xf];
  return s;
};

/** Go `utf8.DecodeRune`: the rune and its width, or `undefined` (width 1) for an invalid byte. */
function decodeRune(b: Uint8Array, i: number): [number | undefined, number] {
  const c0 = b[i]!;
  if (c0 < 0x80) return [c0, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf && cont(1)) return [((c0 & 0x1f) << 6) | (b[i + 1]! & 0x3f), 2];
  if (c0 >= 0xe0 && c0 <= 0xef) {
    // Second-byte limits exclude overlong forms (E0) and UTF-16 surrogates (ED).
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    if (cont(1, lo, hi) && cont(2)) return [((c0 & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f), 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    if (cont(1, lo, hi) && cont(2) && cont(3)) {
      const r = ((c0 & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
      return [r, 4];
    }
  }
  return [undefined, 1];
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space only.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

/** Go `strconv.Quote` over raw bytes: invalid UTF-8 bytes become `\xNN`, unprintable runes `\uNNNN`/`\UNNNNNNNN`. */
export function quoteGo(bytes: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const [r, width] = decodeRune(bytes, i);
    i += width;
    if (r === undefined) {
      out += `\\x${hex(bytes[i - 1]!, 2)}`;
    } else if (r === 0x22 || r === 0x5c) {
      out += `\\${String.fromCodePoint(r)}`;
    } else if (PRINTABLE.test(String.fromCodePoint(r))) {
      out += String.fromCodePoint(r);
    } else if (NAMED_ESCAPES[r] !== undefined) {
      out += NAMED_ESCAPES[r];
    } else if (r < 0x20 || r === 0x7f) {
      out += `\\x${hex(r, 2)}`;
    } else if (r < 0x10000) {
      out += `\\u${hex(r, 4)}`;
    } else {
      out += `\\U${hex(r, 8)}`;
    }
  }
  return `${out}"`;
}
