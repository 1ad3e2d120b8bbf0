/**
 * What kuma-dp renders for a `{{> name}}` partial. We never read files on the host, so a partial always fails; this
 * says how. github.com/hoisie/mustache at 6375acf62c69, `parsePartial` (mustache.go): it tries
 * path.Join(tmpl.dir, name), then with ".mustache" and ".stache", then the bare names, and takes the first that
 * os.Open opens. Nothing opens: `Could not find partial %q`. A directory opens, and ParseFile's ioutil.ReadFile then
 * fails with Go's PathError: `read <cleaned path>: is a directory`.
 */
import { goQuote } from './go-quote.js';

/**
 * Go's path.Clean (lexical: `a/..` is `.` whether or not `a` exists), which path.Join applies. tmpl.dir is
 * os.Getenv("CWD") for ParseString; we assume kuma-dp runs without a CWD variable, as Kuma's units and the guide
 * start it, so the joined path is the cleaned name itself.
 */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined === '' ? '.' : joined;
}

/**
 * Inferred, not from Kuma's docs or a run: directories that exist and that any user may open on every Linux host
 * kuma-dp runs on. `.` and `..` (of any working directory) and `/` always are; a few top-level FHS directories are
 * assumed. Any other name is taken as absent, so the common case (`Could not find partial`) is unchanged.
 */
const ALWAYS_DIRECTORIES = new Set([
  '/',
  '/bin',
  '/dev',
  '/etc',
  '/lib',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/tmp',
  '/usr',
  '/var',
]);

/** The path hoisie opens first for `name`, when that is certainly a directory; otherwise undefined. */
export function partialDirectory(name: string): string | undefined {
  // path.Join("", "") is "", which os.Open refuses: an empty name is never a directory.
  if (name === '') return undefined;
  const cleaned = goPathClean(name);
  return cleaned === '.' || /^\.\.(\/\.\.)*$/.test(cleaned) || ALWAYS_DIRECTORIES.has(cleaned) ? cleaned : undefined;
}

/** The error text kuma-dp's Render returns as the document for this partial. */
export function partialFailureText(name: string): string {
  const dir = partialDirectory(name);
  return dir === undefined ? `Could not find partial ${goQuote(name)}` : `read ${dir}: is a directory`;
}
