/**
 * One `Read()` of Go's encoding/csv Reader with default settings (',' separator, no comments, strict quotes),
 * which pflag's StringToString uses for a flag value with two or more '='. Ported from Go 1.17+ `readRecord`
 * on UTF-8 bytes, because error columns are byte offsets.
 */

export type GoCsvReadResult =
  | { readonly ok: true; readonly record: string[] }
  | { readonly ok: false; readonly error: string };

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

// Go's text really has a hyphen here: "non-quoted-field".
const ERR_BARE_QUOTE = 'bare " in non-quoted-field';
const ERR_QUOTE = 'extraneous or missing " in quoted-field';

/** csv.ParseError.Error() */
function parseError(startLine: number, line: number, column: number, err: string): string {
  if (startLine !== line) return `record on line ${startLine}; parse error on line ${line}, column ${column}: ${err}`;
  return `parse error on line ${line}, column ${column}: ${err}`;
}

const lengthNL = (b: Uint8Array): number => (b.length > 0 && b[b.length - 1] === NL ? 1 : 0);

/** Read the first record of `input` (later records are ignored, as pflag reads only one). */
export function readGoCsvRecord(input: string): GoCsvReadResult {
  const data = new TextEncoder().encode(input);
  let offset = 0;
  let numLine = 0;
  // bufio ReadSlice('\n') + csv's normalisation: "\r\n" -> "\n", and a final "\r" before EOF dropped.
  const readLine = (): { line: Uint8Array; eof: boolean } => {
    const nl = data.indexOf(NL, offset);
    let line = data.subarray(offset, nl < 0 ? data.length : nl + 1);
    offset += line.length;
    numLine++;
    if (nl < 0) {
      if (line.length === 0) return { line, eof: true };
      if (line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    }
    const n = line.length;
    if (n >= 2 && line[n - 2] === CR && line[n - 1] === NL) line = Uint8Array.of(...line.subarray(0, n - 2), NL);
    return { line, eof: false };
  };

  let line: Uint8Array;
  for (;;) {
    const r = readLine();
    if (r.eof) return { ok: false, error: 'EOF' };
    line = r.line;
    if (line.length === lengthNL(line)) continue; // empty lines are skipped
    break;
  }

  const recLine = numLine;
  const pos = { line: numLine, col: 1 };
  const fields: number[][] = [];
  let field: number[] = [];
  const endField = () => {
    fields.push(field);
    field = [];
  };
  parseField: for (;;) {
    if (line.length === 0 || line[0] !== QUOTE) {
      const i = line.indexOf(COMMA);
      const text = i >= 0 ? line.subarray(0, i) : line.subarray(0, line.length - lengthNL(line));
      const j = text.indexOf(QUOTE);
      if (j >= 0) return { ok: false, error: parseError(recLine, numLine, pos.col + j, ERR_BARE_QUOTE) };
      field.push(...text);
      endField();
      if (i < 0) break;
      line = line.subarray(i + 1);
      pos.col += i + 1;
      continue;
    }
    line = line.subarray(1);
    pos.col += 1;
    for (;;) {
      const i = line.indexOf(QUOTE);
      if (i >= 0) {
        field.push(...line.subarray(0, i));
        line = line.subarray(i + 1);
        pos.col += i + 1;
        if (line[0] === QUOTE) {
          field.push(QUOTE); // "" inside quotes
          line = line.subarray(1);
          pos.col += 1;
        } else if (line[0] === COMMA) {
          line = line.subarray(1);
          pos.col += 1;
          endField();
          continue parseField;
        } else if (lengthNL(line) === line.length) {
          endField();
          break parseField;
        } else {
          return { ok: false, error: parseError(recLine, numLine, pos.col - 1, ERR_QUOTE) };
        }
      } else if (line.length > 0) {
        // A quoted field goes on across lines.
        field.push(...line);
        pos.col += line.length;
        line = readLine().line;
        if (line.length > 0) {
          pos.line++;
          pos.col = 1;
        }
      } else {
        return { ok: false, error: parseError(recLine, pos.line, pos.col, ERR_QUOTE) };
      }
    }
  }
  const decoder = new TextDecoder();
  return { ok: true, record: fields.map((f) => decoder.decode(Uint8Array.from(f))) };
}
