import { KumaGitopsError } from '../errors.js';
import { quoteInput } from '../issues.js';

/** iptables-save text we cannot read; `line` is 1-based so it points into the file as a person sees it. */
export class SaveParseError extends KumaGitopsError {
  readonly line: number;
  readonly text: string;
  constructor(line: number, text: string, reason: string) {
    super('iptables-save-parse', `iptables-save output, line ${line}: ${reason}: ${quoteInput(text)}`, {
      line,
      text,
      reason,
    });
    this.name = 'SaveParseError';
    this.line = line;
    this.text = text;
  }
}

/** Builder params that we cannot turn into iptables-save spelling without guessing. */
export class CanonicalizeError extends KumaGitopsError {
  constructor(chain: string, params: readonly string[], reason: string) {
    super(
      'iptables-canonicalize',
      `cannot predict iptables-save form of rule in ${chain} (${params.join(' ')}): ${reason}`,
      {
        chain,
        params: [...params],
        reason,
      },
    );
    this.name = 'CanonicalizeError';
  }
}
