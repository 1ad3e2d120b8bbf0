import { type Issue, sortIssues } from '../issues.js';
import type { KumaVersion } from '../versions.js';
import { newContext, reportError } from './dataplane-context.js';
import { decodeSpec } from './dataplane-decode.js';
import { checkMeta, isMetaKey } from './dataplane-meta.js';
import { validateDataplaneSpec } from './dataplane-networking.js';
import { toParsedDataplane } from './dataplane-parsed.js';
import { DATAPLANE_SCHEMA } from './dataplane-schema.js';
import type { DataplaneSpec, ParsedDataplane } from './dataplane-types.js';
import { parseRenderedYaml } from './dataplane-yaml.js';

export type { At, ParsedDataplane, ParsedInbound } from './dataplane-types.js';

export interface ValidateDataplaneOptions {
  /** Shown in every issue, e.g. `hosts/web-1.yaml (rendered Dataplane)`. */
  file: string;
  version: KumaVersion;
}

export interface DataplaneValidation {
  /** Present whenever the document is a Dataplane at all, even an invalid one, so cross-file checks can run. */
  dataplane?: ParsedDataplane;
  issues: Issue[];
}

// hoisie/mustache returns its parse error as the rendered text, e.g. `line 3: unmatched open tag` (kumahq/kuma
// app/kuma-dp/cmd/dataplane.go and pkg/util/template/render.go@v2.14.3):
// one line and nothing else (no `m` flag, so `.` stops at a newline and `$` is the end of the text).
const MUSTACHE_ERROR = /^line (\d+): (.+)$/;

/**
 * Validates a rendered Dataplane the way `kuma-dp run` does before it contacts the control plane
 * (kumahq/kuma app/kuma-dp/cmd/dataplane.go and pkg/util/template/render.go@v2.14.3 steps 4-6, dataplane_validator.go):
 * YAML 1.1 parse, meta, protobuf-JSON decode, DataplaneResource.Validate().
 * Every problem is collected; lint findings that Kuma itself accepts are warnings.
 */
export function validateRenderedDataplane(text: string, opts: ValidateDataplaneOptions): DataplaneValidation {
  const ctx = newContext(opts.file, opts.version);
  const done = (dataplane?: ParsedDataplane): DataplaneValidation => ({
    ...(dataplane ? { dataplane } : {}),
    issues: sortIssues(ctx.issues),
  });

  const mustache = MUSTACHE_ERROR.exec(text.trim());
  if (mustache) {
    // YAML reads this as `{"line 3": "..."}`, so kuma-dp's own error is about the missing type.
    reportError(ctx, {
      code: 'dataplane.template.mustache-error',
      line: 1,
      message: `not a Dataplane: the template did not render, mustache returned its error "${mustache[0]}" as the document (kuma-dp then fails with: invalid resource type "")`,
      hint: `fix the template near its line ${mustache[1]}: every {{ needs a matching }}, and every {{#section}} a {{/section}}`,
    });
    return done();
  }

  const parsed = parseRenderedYaml(ctx, text);
  if (!parsed) return done();
  const meta = checkMeta(ctx, parsed.root);
  if (!meta) return done();

  const spec = decodeSpec(ctx, parsed.root, DATAPLANE_SCHEMA, isMetaKey) as DataplaneSpec;
  const decodeIssues = ctx.issues.length;
  validateDataplaneSpec(ctx, spec);
  // A value kuma-dp cannot unmarshal is left unset here; Validate() complaints about the same spot are noise.
  const broken = ctx.issues.filter((i) => i.code === 'dataplane.spec.type').map((i) => i.path ?? '');
  const inside = (p: string | undefined) =>
    p !== undefined && broken.some((b) => p === b || p.startsWith(`${b}.`) || p.startsWith(`${b}[`));
  ctx.issues = ctx.issues.filter((issue, n) => n < decodeIssues || !inside(issue.path));
  return done(toParsedDataplane(ctx, meta, spec));
}
