/**
 * Plain-scalar resolution as kumactl's YAML reader does it: sigs.k8s.io/yaml on top of its goyaml.v2 fork
 * (YAML 1.1). We resolve from the source text instead of trusting the `yaml` package's 1.1 schema, because
 * the two differ in corners that matter for ports: goyaml.v2 has no sexagesimal ints (`1:20` stays a string),
 * accepts Go's `0o17`, and turns timestamps into plain strings.
 */

export type GoScalar =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': Number.NaN,
  '.NaN': Number.NaN,
  '.NAN': Number.NaN,
  '.inf': Number.POSITIVE_INFINITY,
  '.Inf': Number.POSITIVE_INFINITY,
  '.INF': Number.POSITIVE_INFINITY,
  '+.inf': Number.POSITIVE_INFINITY,
  '+.Inf': Number.POSITIVE_INFINITY,
  '+.INF': Number.POSITIVE_INFINITY,
  '-.inf': Number.NEGATIVE_INFINITY,
  '-.Inf': Number.NEGATIVE_INFINITY,
  '-.INF': Number.NEGATIVE_INFINITY,
};

// Go strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) syntax: base prefixes, a leading 0 means octal.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const GO_FLOAT = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

function parseGoInt(text: string): number | undefined {
  if (!GO_INT.test(text)) return undefined;
  const negative = text.startsWith('-');
  const body = text.replace(/^[-+]/, '');
  let value: bigint;
  if (/^0[xX]/.test(body)) value = BigInt(body);
  else if (/^0[oO]/.test(body)) value = BigInt(`0o${body.slice(2)}`);
  else if (/^0[bB]/.test(body)) value = BigInt(body);
  else if (body.length > 1 && body.startsWith('0')) value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  if (negative) value = -value;
  // int64, or uint64 for positive values without a sign (ParseUint rejects signs).
  const fits = value >= -(2n ** 63n) && (value < 2n ** 63n || (!/^[-+]/.test(text) && value < 2n ** 64n));
  return fits ? Number(value) : undefined;
}

/** goyaml.v2 `resolve()` for an untagged plain scalar. */
export function resolvePlainScalar(text: string): GoScalar {
  if (TRUE.has(text)) return { kind: 'bool', value: true };
  if (FALSE.has(text)) return { kind: 'bool', value: false };
  if (NULL.has(text)) return { kind: 'null' };
  const special = SPECIAL_FLOATS[text];
  if (special !== undefined) return { kind: 'float', value: special };
  const first = text[0] ?? '';
  if (first === '.') {
    if (GO_FLOAT.test(text)) return { kind: 'float', value: Number(text) };
    return { kind: 'string', value: text };
  }
  if (/[-+0-9]/.test(first)) {
    const plain = text.replaceAll('_', '');
    const int = parseGoInt(plain);
    if (int !== undefined) return { kind: 'int', value: int };
    if (YAML_STYLE_FLOAT.test(plain)) return { kind: 'float', value: Number(plain) };
  }
  return { kind: 'string', value: text };
}

/** Go `strconv.FormatFloat(v, 'g', -1, 32)`: what sigs.k8s.io/yaml writes when a float meets a string field. */
export function formatFloat32g(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const f = Math.fround(v);
  let digits = '';
  for (let p = 1; p <= 9; p++) {
    digits = f.toExponential(p - 1);
    if (Math.fround(Number(digits)) === f) break;
  }
  const [mantissa = '', expText = '0'] = digits.split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(Number(digits));
}

/** The text sigs.k8s.io/yaml puts in a string field for a non-string scalar (`kumaDPUser: 5678` → `5678`). */
export function scalarAsGoString(s: GoScalar): string | undefined {
  switch (s.kind) {
    case 'string':
      return s.value;
    case 'int':
      return String(s.value);
    case 'float':
      return formatFloat32g(s.value);
    case 'bool':
      return s.value ? 'true' : 'false';
    default:
      return undefined;
  }
}
