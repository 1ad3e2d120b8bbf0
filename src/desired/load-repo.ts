import type * as z from 'zod';
import { error, type Issue } from '../issues.js';
import { parseYamlSource, type SourceFile, type YamlSource } from '../yaml/yaml-source.js';
import { validHostName } from './host-name.js';
import { safeParseKeepingProto } from './keep-proto-keys.js';
import { baseName, FLEET_FILE, isGroupFile, isHostFile, resolveRepoPath } from './repo-paths.js';
import type { RepoReader } from './repo-reader.js';
import {
  type FleetFile,
  fleetFileSchema,
  type GroupFile,
  groupFileSchema,
  type HostFile,
  hostFileSchema,
} from './schema.js';
import { schemaIssues } from './schema-issues.js';
import { keysAt } from './schema-keys.js';

/** One layer of settings as written: fleet.yaml, a group file or a host file, parsed and schema-checked. */
export interface Layer<T> {
  kind: 'fleet' | 'group' | 'host';
  name: string;
  file: string;
  source: YamlSource;
  data: T;
  /** Repo files this layer references (template, tproxy config), resolved to repo-relative paths. */
  refs: Map<string, string>;
}

/** Raw-file stage of a whole revision: every layer that parsed, every referenced file, every problem by file. */
export interface LoadedRepo {
  label: string;
  fleet: Layer<FleetFile> | undefined;
  groups: Map<string, Layer<GroupFile>>;
  /** Host files, including those that failed their schema (data is then `undefined`). */
  hosts: { name: string; file: string; layer: Layer<HostFile> | undefined }[];
  files: Map<string, SourceFile>;
  /** Layer files that exist but did not parse or failed their schema: hosts depending on them are not rendered. */
  broken: Set<string>;
  /** Problems keyed by the file they are in; a host's report includes the entries of every file it depends on. */
  issuesByFile: Map<string, Issue[]>;
}

export async function loadRepo(reader: RepoReader): Promise<LoadedRepo> {
  const paths = await reader.list();
  const issuesByFile = new Map<string, Issue[]>();
  const broken = new Set<string>();
  const report = (file: string, issues: Issue[]) => {
    if (issues.length > 0) issuesByFile.set(file, [...(issuesByFile.get(file) ?? []), ...issues]);
  };

  const load = async <T>(kind: Layer<T>['kind'], path: string, schema: z.ZodType<T>): Promise<Layer<T> | undefined> => {
    const file = await reader.read(path);
    if (!file) return undefined;
    if (file.problem) {
      report(path, [unreadable(path, file.problem)]);
      broken.add(path);
      return undefined;
    }
    const { source, issues } = parseYamlSource(file);
    report(path, issues);
    if (!source) {
      broken.add(path);
      return undefined;
    }
    const parsed = safeParseKeepingProto(schema, source.data ?? {}, file.text.includes('__proto__'));
    if (!parsed.success) {
      report(
        path,
        schemaIssues(source, parsed.error.issues, (p) => keysAt(schema, p)),
      );
      broken.add(path);
      return undefined;
    }
    return { kind, name: baseName(path), file: path, source, data: parsed.data, refs: new Map() };
  };

  const fleet = paths.includes(FLEET_FILE) ? await load('fleet', FLEET_FILE, fleetFileSchema) : undefined;
  const groupFiles = paths.filter(isGroupFile).sort();
  const groups = new Map<string, Layer<GroupFile>>();
  for (const layer of await Promise.all(groupFiles.map((p) => load('group', p, groupFileSchema)))) {
    if (layer) groups.set(layer.name, layer);
  }
  const hostFiles = paths.filter(isHostFile).sort();
  const hostLayers = await Promise.all(hostFiles.map((p) => load('host', p, hostFileSchema)));
  const hosts = hostFiles.map((file, i) => {
    const layer = hostLayers[i];
    const name = layer?.data.name ?? baseName(file);
    if (validHostName(name)) return { name, file, layer };
    // Never rendered: the name goes into paths (`${host}`), unit names and the state directory.
    report(file, [
      error({
        code: 'host.name-invalid',
        file,
        ...(layer?.data.name === undefined ? {} : { line: layer.source.lineOf(['name']), path: 'name' }),
        message: `host name ${JSON.stringify(name)} is not allowed: it becomes part of paths and unit names`,
        hint: "use ASCII letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. web-1)",
      }),
    ]);
    broken.add(file);
    return { name, file, layer: undefined };
  });

  const files = new Map<string, SourceFile>();
  const layers: Layer<FleetFile>[] = [
    ...(fleet ? [fleet] : []),
    ...groups.values(),
    ...hosts.flatMap((h) => (h.layer ? [h.layer] : [])),
  ];
  await Promise.all(layers.map((layer) => readRefs(layer, reader, files, report)));
  return { label: reader.label, fleet, groups, hosts, files, broken, issuesByFile };
}

/** A repository file that exists but is not read (io/repo-file-limits.ts): a symlink, not a regular file, too large. */
function unreadable(path: string, problem: { code: string; message: string }): Issue {
  return error({ code: problem.code, file: path, message: problem.message });
}

/** Resolve and read the template and tproxy config a layer names; a bad or missing reference is an issue. */
async function readRefs(
  layer: Layer<FleetFile>,
  reader: RepoReader,
  files: Map<string, SourceFile>,
  report: (file: string, issues: Issue[]) => void,
): Promise<void> {
  const wanted: [string, PropertyKey[], string | undefined][] = [
    ['tproxyConfig', ['tproxyConfig'], layer.data.tproxyConfig],
    ['template', ['dataplane', 'template'], layer.data.dataplane?.template],
  ];
  for (const [role, path, ref] of wanted) {
    if (ref === undefined) continue;
    const resolved = resolveRepoPath(ref);
    const at = { file: layer.file, line: layer.source.lineOf(path), path: path.join('.') };
    if ('problem' in resolved) {
      report(layer.file, [
        error({
          code: 'repo.path-outside',
          ...at,
          message: resolved.problem,
          hint: 'use a repo-relative path such as templates/web.yaml',
        }),
      ]);
      continue;
    }
    layer.refs.set(role, resolved.path);
    if (files.has(resolved.path)) continue;
    const file = await reader.read(resolved.path);
    if (file?.problem) report(layer.file, [{ ...unreadable(resolved.path, file.problem), ...at }]);
    else if (file) files.set(resolved.path, file);
    else {
      report(layer.file, [
        error({
          code: 'repo.missing-file',
          ...at,
          message: `'${ref}' does not exist in ${reader.label}`,
          hint: 'add the file or fix the path',
        }),
      ]);
    }
  }
}
