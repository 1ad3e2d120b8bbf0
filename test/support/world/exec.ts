/**
 * Running commands for the test worlds: every command is an argument array (no shell), run to completion with its
 * output collected. `exec` never rejects on a non-zero exit (the tests assert on it); `must` does.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Result {
  /** null when the command was killed by a signal (see `signal`); -1 when a world refused to start it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** What the command reads on stdin (nothing by default). */
  input?: string | undefined;
  /** SIGKILL after this long (default 120 s). */
  timeoutMs?: number;
  /** The child is in this set while it runs (so that a cleanup can kill it). */
  children?: Set<ChildProcess>;
}

/** Runs a command to completion; never rejects on a non-zero exit, only when it cannot be started at all. */
export function exec(argv: readonly string[], o: ExecOptions = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    o.children?.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      o.children?.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      o.children?.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
    // A command that does not read stdin may exit first; its exit status is what counts, not the EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
  });
}

/** Like exec, but a non-zero exit is an error of the test setup. Returns stdout. */
export async function must(argv: readonly string[], input?: string): Promise<string> {
  const r = await exec(argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  return r.stdout;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Holds a flock (`args`: its options and file) until release() is called. */
export async function holdFlock(args: readonly string[]): Promise<{ child: ChildProcess; release(): Promise<void> }> {
  const child = spawn('flock', [...args, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`flock ${args.join(' ')} exited with ${code} before locking`)));
  });
  return {
    child,
    release: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
