import type * as z from 'zod';
import { error, type Issue } from '../issues.js';
import { closest } from '../suggest.js';
import type { YamlSource } from '../yaml/yaml-source.js';

/** Turn zod's issues for one file into ours: file, line of the offending key, YAML path and what to do. */
export function schemaIssues(
  source: YamlSource,
  zodIssues: readonly z.core.$ZodIssue[],
  knownKeysAt: (path: PropertyKey[]) => string[],
): Issue[] {
  const out: Issue[] = [];
  for (const zi of zodIssues) {
    const path = zi.path as PropertyKey[];
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys) {
        const full = [...path, key];
        const suggestion = closest(key, knownKeysAt(path));
        out.push(
          error({
            code: 'schema.unknown-key',
            file: source.file,
            line: source.lineOf(full),
            path: formatPath(full),
            message: `unknown key '${key}'`,
            hint: suggestion ? `did you mean '${suggestion}'?` : `allowed here: ${knownKeysAt(path).join(', ')}`,
          }),
        );
      }
      continue;
    }
    out.push(
      error({
        code: 'schema.invalid',
        file: source.file,
        line: source.lineOf(path),
        path: formatPath(path),
        message: zi.message.replace(/^Invalid input: /, ''),
        hint: versionAsNumber(path, zi) ?? 'see the JSON Schema in schemas/ for the allowed values',
      }),
    );
  }
  return out;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** `kumaVersion: 2.10` is the number 2.1 to YAML: say so, since the message alone ("expected string") puzzles. */
function versionAsNumber(path: readonly PropertyKey[], zi: z.core.$ZodIssue): string | undefined {
  if (path.at(-1) !== 'kumaVersion' || zi.code !== 'invalid_type') return undefined;
  return 'quote the version, e.g. kumaVersion: "2.10": unquoted, YAML reads 2.10 as the number 2.1';
}
