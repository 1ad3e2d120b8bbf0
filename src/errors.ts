import type { Issue } from './issues.js';

/**
 * Every failure the CLI reports is a KumaGitopsError with a stable `code` and the data needed to act on it.
 * The message names the subject, what failed and what to do.
 */
export class KumaGitopsError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;
  constructor(code: string, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KumaGitopsError';
    this.code = code;
    this.data = data;
  }
}

/** Bad command line: exit 1 with the usage hint. */
export class UsageError extends KumaGitopsError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('usage', message, data);
    this.name = 'UsageError';
  }
}

/** The desired state is invalid; `issues` holds every problem found. */
export class ValidationError extends KumaGitopsError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[]) {
    super('validation', message, { issues });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}
