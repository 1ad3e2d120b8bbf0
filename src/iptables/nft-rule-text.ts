/**
 * One native rule in nft's own words, from its JSON statements, so an alert can name the rule a person will find in
 * `nft -a list ruleset`. Covers what firewalld, kube-proxy and hand-written rulesets use; anything else is shown as
 * its JSON rather than guessed.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value or expression: `tcp dport`, `{ 22, 443-445 }`, `10.0.0.0/8`, `ct state`. */
export function nftExprText(e: unknown): string {
  if (typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean') return String(e);
  if (Array.isArray(e)) return e.map(nftExprText).join(', ');
  if (!isObj(e)) return JSON.stringify(e);
  const [kind, body] = Object.entries(e)[0] ?? ['', undefined];
  const b = isObj(body) ? body : {};
  switch (kind) {
    case 'payload':
      return b.protocol === undefined ? `@payload` : `${b.protocol} ${b.field}`;
    case 'meta':
      return `meta ${b.key}`;
    case 'ct':
      return `ct ${b.dir ? `${b.dir} ` : ''}${b.key}`;
    case 'fib':
      return `fib ${nftExprText(b.flags)} ${b.result}`;
    case 'set':
      return `{ ${(Array.isArray(body) ? body : [body]).map(nftExprText).join(', ')} }`;
    case 'range':
      return Array.isArray(body) ? body.map(nftExprText).join('-') : JSON.stringify(body);
    case 'prefix':
      return `${b.addr}/${b.len}`;
    case 'concat':
      return Array.isArray(body) ? body.map(nftExprText).join(' . ') : JSON.stringify(body);
    default:
      return JSON.stringify(e);
  }
}

const target = (b: Obj): string => {
  const addr = b.addr === undefined ? '' : nftExprText(b.addr);
  const port = b.port === undefined ? '' : `:${nftExprText(b.port)}`;
  return `${b.family ? `${b.family} ` : ''}to ${addr}${port}`;
};

/** One statement: a match, a verdict, NAT, or a plain statement such as `counter`. */
export function nftStatementText(s: unknown): string {
  if (!isObj(s)) return JSON.stringify(s);
  const [kind, body] = Object.entries(s)[0] ?? ['', undefined];
  const b = isObj(body) ? body : {};
  switch (kind) {
    case 'match': {
      const op = b.op === '==' || b.op === 'in' ? '' : `${b.op} `;
      return `${nftExprText(b.left)} ${op}${nftExprText(b.right)}`;
    }
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
    case 'counter':
    case 'masquerade':
      return kind;
    case 'jump':
    case 'goto':
      return `${kind} ${b.target}`;
    case 'reject':
      return b.type === undefined ? 'reject' : `reject with ${b.type} ${nftExprText(b.expr)}`;
    case 'dnat':
    case 'snat':
      return `${kind} ${target(b)}`;
    case 'redirect':
      return b.port === undefined ? 'redirect' : `redirect to :${nftExprText(b.port)}`;
    case 'tproxy':
      return `tproxy ${target(b)}`;
    case 'queue':
      return 'queue';
    default:
      return JSON.stringify(s);
  }
}

export const nftRuleText = (expr: readonly unknown[]): string => expr.map(nftStatementText).join(' ');
