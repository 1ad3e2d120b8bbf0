/**
 * Parser of github.com/hoisie/mustache at 6375acf62c69, the version kuma-dp renders Dataplane templates with
 * (kumahq/kuma app/kuma-dp/cmd/dataplane.go and pkg/util/template/render.go@v2.14.3). Ported statement by statement,
 * quirks included: error lines come from hoisie's `curline`,
 * which skips the newline eaten after a section open tag. `parse()` and `parseSection()` are merged here; they
 * differ only in what EOF and a close tag mean.
 */

import { partialFailureText } from './mustache-partial.js';

/** One parsed piece. `offset` is where the tag's open delimiter starts in the source (for real line numbers). */
export type MustacheElement =
  | { readonly type: 'text'; readonly text: string; readonly offset: number }
  | { readonly type: 'var'; readonly name: string; readonly raw: boolean; readonly offset: number }
  | {
      readonly type: 'section';
      readonly name: string;
      readonly inverted: boolean;
      /** hoisie's curline at the open tag: only meaningful inside error texts. */
      readonly startline: number;
      readonly offset: number;
      readonly elems: readonly MustacheElement[];
    }
  | { readonly type: 'partial'; readonly name: string; readonly offset: number }
  // Comments, delimiter changes and dropped `{`-tags render nothing; kept so a lint can see them.
  | { readonly type: 'comment' | 'delimiter' | 'ignored'; readonly tag: string; readonly offset: number };

export interface MustacheTemplate {
  readonly source: string;
  readonly elems: readonly MustacheElement[];
  /** Names of `{{> name}}` partials, in source order. hoisie reads them from kuma-dp's CWD, which we never see. */
  readonly partials: readonly string[];
}

export interface MustacheParseError {
  /** `panic`: the Go code panics (kuma-dp crashes) instead of returning an error. */
  readonly kind: 'syntax' | 'partial' | 'panic';
  /** hoisie's line number, as printed in `text` (0 when the text carries none). */
  readonly line: number;
  /** Real 1-based line of the offending tag in the source. */
  readonly sourceLine: number;
  readonly message: string;
  /** `err.Error()`: what kuma-dp's Render returns as the rendered document. */
  readonly text: string;
}

/**
 * `template` is present when the only failure is a partial, so the rest can still be linted. When a partial comes
 * before a syntax error or a panic, `error` is the partial's (what kuma-dp reports) and `masked` the one behind it.
 */
export type MustacheParseResult =
  | { readonly ok: true; readonly template: MustacheTemplate }
  | {
      readonly ok: false;
      readonly error: MustacheParseError;
      readonly template: MustacheTemplate | null;
      readonly masked?: MustacheParseError;
    };

class ParseFailure {
  constructor(readonly error: MustacheParseError) {}
}

// Go's unicode.IsSpace set, which strings.TrimSpace uses (JS trim() differs on U+0085 and U+FEFF).
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
export const goTrimSpace = (s: string): string => s.replace(GO_SPACE, '');

/** Real 1-based line of a source offset, for one look-up (linear in the offset). */
export function lineAtOffset(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Lines of many offsets of one source: the newline offsets are found once, each look-up is a binary search. A lint
 * that asked lineAtOffset per tag was quadratic (40,000 lines took 27 s).
 */
export function lineLocator(source: string): (offset: number) => number {
  const newlines: number[] = [];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) newlines.push(i);
  return (offset) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (newlines[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/**
 * Parsed templates by text: a fleet renders a handful of templates thousands of times, and a parse result is never
 * modified after it is built, so it can be shared.
 */
const parsed = new Map<string, MustacheParseResult>();

/** Parse like hoisie's ParseString; on success the template renders as kuma-dp would. */
export function parseTemplate(source: string): MustacheParseResult {
  let result = parsed.get(source);
  if (result === undefined) {
    if (parsed.size >= 256) parsed.clear();
    result = parseTemplateUncached(source);
    parsed.set(source, result);
  }
  return result;
}

function parseTemplateUncached(source: string): MustacheParseResult {
  const st = { data: source, otag: '{{', ctag: '}}', p: 0, curline: 1 };
  const partials: string[] = [];
  let partialError: MustacheParseError | null = null;
  const fail = (line: number, offset: number, message: string, kind: MustacheParseError['kind'] = 'syntax') => {
    const text = kind === 'syntax' ? `line ${line}: ${message}` : message;
    return new ParseFailure({ kind, line, sourceLine: lineAtOffset(source, offset), message, text });
  };

  // readString: scan from p for s; newlines are counted up to the match start, and only applied on success.
  const readString = (s: string): { text: string; eof: boolean } => {
    let newlines = 0;
    for (let i = st.p; ; i++) {
      if (i + s.length > st.data.length) return { text: st.data.slice(st.p), eof: true };
      if (st.data[i] === '\n') newlines++;
      if (st.data.startsWith(s, i)) {
        const text = st.data.slice(st.p, i + s.length);
        st.p = i + s.length;
        st.curline += newlines;
        return { text, eof: false };
      }
    }
  };

  const parseElems = (section: { name: string; startline: number; offset: number } | null): MustacheElement[] => {
    const elems: MustacheElement[] = [];
    for (;;) {
      const textOffset = st.p;
      const open = readString(st.otag);
      if (open.eof) {
        if (section) throw fail(section.startline, section.offset, `Section ${section.name} has no closing tag`);
        elems.push({ type: 'text', text: open.text, offset: textOffset });
        return elems;
      }
      elems.push({ type: 'text', text: open.text.slice(0, open.text.length - st.otag.length), offset: textOffset });
      const offset = st.p - st.otag.length;
      const ctag = st.ctag;
      const close = st.data[st.p] === '{' ? readString(`}${ctag}`) : readString(ctag);
      if (close.eof) throw fail(st.curline, offset, 'unmatched open tag');
      const source = st.data.slice(offset, st.p);
      const tag = goTrimSpace(close.text.slice(0, close.text.length - ctag.length));
      if (tag.length === 0) throw fail(st.curline, offset, 'empty tag');
      switch (tag[0]) {
        case '!':
          elems.push({ type: 'comment', tag: source, offset });
          break;
        case '#':
        case '^': {
          const name = goTrimSpace(tag.slice(1));
          // hoisie skips one newline after the open tag without counting it in curline: the line quirk.
          if (st.data[st.p] === '\n') st.p += 1;
          else if (st.data[st.p] === '\r' && st.data[st.p + 1] === '\n') st.p += 2;
          const startline = st.curline;
          const inner = parseElems({ name, startline, offset });
          elems.push({ type: 'section', name, inverted: tag[0] === '^', startline, offset, elems: inner });
          break;
        }
        case '/': {
          if (!section) throw fail(st.curline, offset, 'unmatched close tag');
          const name = goTrimSpace(tag.slice(1));
          if (name !== section.name) throw fail(st.curline, offset, `interleaved closing tag: ${name}`);
          return elems;
        }
        case '>': {
          // hoisie opens the file here and returns `Could not find partial %q` (no line) when it is missing;
          // Render then returns that text. We never read files, so every partial fails (partialFailureText):
          // remember the first one and keep parsing so the rest of the template can be linted.
          const name = goTrimSpace(tag.slice(1));
          partials.push(name);
          partialError ??= fail(0, offset, partialFailureText(name), 'partial').error;
          elems.push({ type: 'partial', name, offset });
          break;
        }
        case '=': {
          if (tag[tag.length - 1] !== '=') throw fail(st.curline, offset, 'Invalid meta tag');
          // Go's tag[1:len(tag)-1] with tag "=" is tag[1:0]: a runtime panic, not an error.
          if (tag.length === 1) throw fail(0, offset, 'runtime error: slice bounds out of range [1:0]', 'panic');
          const inner = goTrimSpace(tag.slice(1, -1));
          const space = inner.indexOf(' ');
          if (space >= 0) {
            st.otag = inner.slice(0, space);
            st.ctag = inner.slice(space + 1);
          }
          elems.push({ type: 'delimiter', tag: source, offset });
          break;
        }
        case '{':
          // Inferred from recollection of the source at 6375acf, not confirmed against Kuma's docs or a run: the raw
          // name is
          // tag[1:len(tag)-1] with no TrimSpace, so `{{{ x }}}` looks up " x ". A tag not ending in '}' is dropped.
          if (tag[tag.length - 1] === '}') elems.push({ type: 'var', name: tag.slice(1, -1), raw: true, offset });
          else elems.push({ type: 'ignored', tag: source, offset });
          break;
        default:
          elems.push({ type: 'var', name: tag, raw: false, offset });
      }
    }
  };

  let elems: MustacheElement[];
  try {
    elems = parseElems(null);
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    // hoisie stops at the first partial, so a partial before this error is what kuma-dp reports.
    if (partialError) return { ok: false, error: partialError, template: null, masked: e.error };
    return { ok: false, error: e.error, template: null };
  }
  const template: MustacheTemplate = { source, elems, partials };
  return partialError ? { ok: false, error: partialError, template } : { ok: true, template };
}
