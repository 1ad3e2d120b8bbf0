/**
 * Renderer of github.com/hoisie/mustache at 6375acf62c69 plus Kuma's Render wrapper
 * (pkg/util/template/render.go): what kuma-dp turns a Dataplane template into, byte for byte (kumahq/kuma
 * app/kuma-dp/cmd/dataplane.go and pkg/util/template/render.go@v2.14.3).
 */
import { lineLocator, type MustacheElement, type MustacheTemplate, parseTemplate } from './mustache-parse.js';

/** Template data as kuma-dp builds it from `--dataplane-var`: strings, and maps for dotted keys. */
export type MustacheData = { readonly [key: string]: string | MustacheData };
export type MustacheValue = string | MustacheData;

type VarOrSection = Extract<MustacheElement, { type: 'var' | 'section' }>;

/** One lookup made while rendering; `value` undefined = missing. `start`/`end` = the var's output span. */
export interface RenderedLookup {
  readonly elem: VarOrSection;
  readonly value: MustacheValue | undefined;
  readonly start: number;
  readonly end: number;
}

export interface MustacheRenderResult {
  readonly output: string;
  readonly lookups: readonly RenderedLookup[];
}

const own = (m: MustacheData, k: string): boolean => Object.hasOwn(m, k);

/** hoisie lookup: dot notation first, then the context chain innermost-first; strings have no fields. */
function lookup(chain: readonly MustacheValue[], name: string): MustacheValue | undefined {
  if (name !== '.' && name.includes('.')) {
    const dot = name.indexOf('.');
    const v = lookup(chain, name.slice(0, dot));
    // The rest is looked up in that value only, not the outer chain.
    return v === undefined ? undefined : lookup([v], name.slice(dot + 1));
  }
  for (const ctx of chain) {
    if (name === '.') return ctx;
    if (typeof ctx === 'object' && own(ctx, name)) return ctx[name];
  }
  return undefined;
}

// Go orders map keys byte-wise on UTF-8, which is code point order (not JS's UTF-16 order).
function compareGoStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** fmt.Sprint of a string or a map[string]interface{}: `map[k1:v1 k2:map[x:y]]`, keys sorted. */
export function goSprint(v: MustacheValue): string {
  if (typeof v === 'string') return v;
  const keys = Object.keys(v).sort(compareGoStrings);
  return `map[${keys.map((k) => `${k}:${goSprint(v[k]!)}`).join(' ')}]`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

/** Go text/template.HTMLEscape, which hoisie applies to `{{x}}`. */
export const goHtmlEscape = (s: string): string => s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]!);

/**
 * Render a parsed template. Partials render as nothing: kuma-dp would have failed to parse (see parseTemplate),
 * so this output only matters for looking past them.
 */
export function renderMustache(template: MustacheTemplate, data: MustacheData): MustacheRenderResult {
  let output = '';
  const lookups: RenderedLookup[] = [];
  const renderElems = (elems: readonly MustacheElement[], chain: readonly MustacheValue[]): void => {
    for (const elem of elems) {
      if (elem.type === 'text') output += elem.text;
      else if (elem.type === 'var') {
        const value = lookup(chain, elem.name);
        const start = output.length;
        if (value !== undefined) output += elem.raw ? goSprint(value) : goHtmlEscape(goSprint(value));
        lookups.push({ elem, value, start, end: output.length });
      } else if (elem.type === 'section') {
        const value = lookup(chain, elem.name);
        lookups.push({ elem, value, start: output.length, end: output.length });
        // isEmpty: only a missing value is empty here (no bools or slices come from --dataplane-var).
        if ((value === undefined) !== elem.inverted) continue;
        // Inferred from recollection of the source at 6375acf, not confirmed against Kuma's docs or a run: for a
        // non-map value (and for
        // inverted sections) hoisie pushes contextChain[len-1], the ROOT context, not the innermost one.
        const ctx = typeof value === 'object' && !elem.inverted ? value : chain[chain.length - 1]!;
        renderElems(elem.elems, [ctx, ...chain]);
      }
    }
  };
  renderElems(template.elems, [data]);
  return { output, lookups };
}

/**
 * What kuma-dp's template.Render returns: the rendered text, or the parse error's text AS the document.
 * Never throws: where the Go code panics (`{{=}}`) kuma-dp crashes without rendering; we return Go's panic line
 * (`panic: runtime error: ...`) so the result is still visibly not a Dataplane. parseTemplate tells the cases apart.
 */
export function renderKumaDpTemplate(text: string, data: MustacheData): string {
  const parsed = parseTemplate(text);
  if (parsed.ok) return renderMustache(parsed.template, data).output;
  return parsed.error.kind === 'panic' ? `panic: ${parsed.error.text}` : parsed.error.text;
}

export type TemplateTagKind =
  | 'escaped'
  | 'raw'
  | 'section'
  | 'inverted'
  | 'partial'
  | 'comment'
  | 'delimiter'
  | 'ignored';

export interface TemplateTag {
  readonly kind: TemplateTagKind;
  /** The looked-up name exactly as hoisie uses it; for comment/delimiter/ignored, the tag's source text. */
  readonly name: string;
  /** Real 1-based line of the tag's open delimiter (not hoisie's curline). */
  readonly line: number;
  readonly offset: number;
  /** Names of the enclosing sections, outermost first. */
  readonly sections: readonly string[];
}

/** Every tag in source order, for lints. */
export function listTags(template: MustacheTemplate): TemplateTag[] {
  const tags: TemplateTag[] = [];
  const lineOf = lineLocator(template.source);
  const walk = (elems: readonly MustacheElement[], sections: readonly string[]): void => {
    for (const e of elems) {
      if (e.type === 'text') continue;
      const base = { line: lineOf(e.offset), offset: e.offset, sections };
      if (e.type === 'var') tags.push({ kind: e.raw ? 'raw' : 'escaped', name: e.name, ...base });
      else if (e.type === 'section') {
        tags.push({ kind: e.inverted ? 'inverted' : 'section', name: e.name, ...base });
        walk(e.elems, [...sections, e.name]);
      } else if (e.type === 'partial') tags.push({ kind: 'partial', name: e.name, ...base });
      else tags.push({ kind: e.type, name: e.tag, ...base });
    }
  };
  walk(template.elems, []);
  return tags;
}
