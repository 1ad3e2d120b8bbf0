/**
 * The one pull-request comment a review job keeps up to date: found again by a hidden marker on its first line, so
 * a second run edits it instead of adding another. Pure; the API calls are in cli/pull-request-api.ts.
 */

export const REVIEW_MARKER = '<!-- kuma-gitops review -->';

/** GitHub refuses comments over 65,536 characters; the diff's markdown stays under 60,000 (format-markdown.ts). */
export const MAX_COMMENT_CHARS = 65_536;

export interface ExistingComment {
  id: number;
  body: string;
}

/** The body to post: the marker, then the review text, cut (and said so) if a provider would refuse it. */
export function reviewCommentBody(markdown: string): string {
  const body = `${REVIEW_MARKER}\n${markdown.trimEnd()}\n`;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  const note = '\n\n_(cut: the review is longer than a comment may be; the job log and summary have all of it)_\n';
  return `${body.slice(0, MAX_COMMENT_CHARS - note.length)}${note}`;
}

/** Our comment among a pull request's comments: the oldest that carries the marker (a later copy is left alone). */
export function findReviewComment(comments: readonly ExistingComment[]): ExistingComment | undefined {
  return comments.filter((c) => c.body.startsWith(REVIEW_MARKER)).sort((a, b) => a.id - b.id)[0];
}
