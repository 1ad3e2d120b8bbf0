/**
 * What a sandbox could leave behind, looked up by its id (`kgsbx-<pid>-<rand>...`) and service user: namespaces,
 * /etc/netns dirs, temp dirs, the user, and processes whose command line or working directory names the sandbox
 * (the stand-in kuma-dp's argv holds the sandbox's paths; the service runs in its temp dir). Scoped to one sandbox
 * so that sandboxes of tests running in parallel are not counted.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { exec } from '../support/world/exec.js';

export async function findLeftovers(id: string, user: string): Promise<string[]> {
  const found: string[] = [];
  const { stdout } = await exec(['ip', 'netns', 'list']);
  for (const line of stdout.split('\n')) {
    const ns = line.split(' ')[0] ?? '';
    if (ns.startsWith(id)) found.push(`namespace ${ns}`);
  }
  if (existsSync('/etc/netns')) {
    for (const d of readdirSync('/etc/netns')) if (d.startsWith(id)) found.push(`/etc/netns/${d}`);
  }
  for (const d of readdirSync(tmpdir())) if (d.startsWith(id)) found.push(`temp dir ${d}`);
  if (
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .some((l) => l.startsWith(`${user}:`))
  )
    found.push(`user ${user}`);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    let cmdline = '';
    let cwd = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue; // gone meanwhile, or a kernel thread
    }
    if (cmdline.includes(id) || cwd.includes(id)) found.push(`process ${pid}: ${cmdline}`);
  }
  return found;
}

/** The sandbox id and service user that the demo's first line names. */
export function parseDemoHeader(output: string): { id: string; user: string } | undefined {
  const m = /sandbox (kgsbx-\d+-[\w-]+), .*service user (kgsbx-[0-9a-f]+)/.exec(output);
  return m ? { id: m[1]!, user: m[2]! } : undefined;
}
