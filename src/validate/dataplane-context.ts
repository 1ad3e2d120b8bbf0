import { error, type Issue, warning } from '../issues.js';
import type { KumaVersion } from '../versions.js';

type Segment = { field: string } | { index: number } | { key: string };

/** A location inside the Dataplane, printed the way Kuma's validators.PathBuilder prints it. */
export class Path {
  static readonly root = new Path([]);
  private constructor(readonly segments: readonly Segment[]) {}

  field(name: string): Path {
    return new Path([...this.segments, { field: name }]);
  }
  index(i: number): Path {
    return new Path([...this.segments, { index: i }]);
  }
  key(k: string): Path {
    return new Path([...this.segments, { key: k }]);
  }
  parent(): Path | undefined {
    return this.segments.length === 0 ? undefined : new Path(this.segments.slice(0, -1));
  }
  toString(): string {
    return this.segments
      .map((s, i) => {
        if ('field' in s) return i === 0 ? s.field : `.${s.field}`;
        if ('index' in s) return `[${s.index}]`;
        return `[${JSON.stringify(s.key)}]`;
      })
      .join('');
  }
}

/** Everything one validation run shares: where issues go and the YAML line of every decoded path. */
export interface DpContext {
  file: string;
  version: KumaVersion;
  issues: Issue[];
  /** Path string -> 1-based line of the key (or list item) that holds it. */
  lines: Map<string, number>;
}

export function newContext(file: string, version: KumaVersion): DpContext {
  return { file, version, issues: [], lines: new Map() };
}

/** Line of `path`, or of its closest written ancestor when the field itself is missing. */
export function lineOf(ctx: DpContext, path: Path): number | undefined {
  for (let p: Path | undefined = path; p; p = p.parent()) {
    const line = ctx.lines.get(p.toString());
    if (line !== undefined) return line;
  }
  return undefined;
}

export interface Report {
  code: string;
  path?: Path;
  message: string;
  hint?: string;
  /** Overrides the line looked up from `path` (YAML-level problems have no path). */
  line?: number;
}

function place(ctx: DpContext, r: Report): Omit<Issue, 'severity'> {
  const line = r.line ?? (r.path ? lineOf(ctx, r.path) : undefined);
  const path = r.path?.toString();
  return {
    code: r.code,
    file: ctx.file,
    ...(line === undefined ? {} : { line }),
    ...(path ? { path } : {}),
    message: r.message,
    ...(r.hint ? { hint: r.hint } : {}),
  };
}

export function reportError(ctx: DpContext, r: Report): void {
  ctx.issues.push(error(place(ctx, r)));
}

export function reportWarning(ctx: DpContext, r: Report): void {
  ctx.issues.push(warning(place(ctx, r)));
}

/** `err('port', path, message)` reports `<prefix>.port`: the code scheme of every Validate() rule. */
export const errorReporter =
  (ctx: DpContext, prefix: string) =>
  (code: string, path: Path, message: string, hint?: string): void =>
    reportError(ctx, { code: `${prefix}.${code}`, path, message, hint });

/** Kuma's message for a port outside 1..65535 (inbound, outbound, backendRef, probes). */
export const PORT_RANGE = 'port must be in the range [1, 65535]';
