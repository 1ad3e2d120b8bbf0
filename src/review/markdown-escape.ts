/**
 * Text from the repository (host names, file paths, messages, rendered files) inside a pull-request comment: it
 * may not change the comment's structure (a `|` that adds a table cell, `</details>` that closes a section,
 * `<img>`, a fence that ends a code block) nor notify anyone (`@team`).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are replaced too.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Plain text for a table cell, a list item or HTML: everything but letters, digits and `-._ ,:/()_` as an entity. */
export function mdText(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(/[^A-Za-z0-9\-._ ,:/()_]/gu, (c) => (c === '@' ? '@&#8203;' : `&#${c.codePointAt(0)};`));
}

/** An inline code span that cannot be closed early: backticks become quotes, line breaks spaces, mentions inert. */
export function codeSpan(text: string): string {
  return `\`${text.replace(CONTROL, ' ').replaceAll('`', "'")}\``;
}

/** A fenced code block whose fence is longer than any run of backticks in `content`, so no line of it closes it. */
export function fencedBlock(lang: string, content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${content}\n${fence}`;
}
