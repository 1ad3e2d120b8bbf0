import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ROOT_PATH, rootExecutable } from '../system/fixed-path.js';

/**
 * A stream of netfilter change events, as the drift watch's trigger. `xtables-monitor -e` for the rules iptables-nft
 * writes (iptables 1.8.9: ` EVENT: -4 -t nat -A ...` and `NEWGEN: GENID=.. PID=.. NAME=..` lines); `nft monitor`
 * for native nftables tables, which xtables-monitor does not show (nftables 1.0.6: `add rule inet t c ...` and
 * `# new generation N by process PID (NAME)` lines). Run through `stdbuf -oL`, or it block-buffers into a pipe and
 * the events arrive minutes late; inside the namespace with `ip netns exec` when one is set. The lines are only a
 * trigger: the verdict comes from a fresh read. A monitor that exits is started again with backoff (1 s doubling
 * to 30 s); the periodic check covers the gap. iptables-legacy has no such events.
 */
export interface MonitorEvent {
  line: string;
  /** From a new-generation line: who changed the rules (pid and program name), for the flapping alert. */
  writer?: { pid: number; name: string };
}

export interface XtablesMonitor {
  stop(): void;
  /** Times it was (re)started. */
  readonly starts: number;
}

export type MonitorKind = 'xtables-monitor' | 'nft-monitor';

const NEWGEN = /^NEWGEN: GENID=\d+ PID=(\d+) NAME=(\S+)/;
const NFT_NEWGEN = /^# new generation \d+ by process (\d+) \((.+)\)$/;
const COMMAND: Readonly<Record<MonitorKind, readonly string[]>> = {
  'xtables-monitor': ['xtables-monitor', '-e'],
  'nft-monitor': ['nft', 'monitor'],
};

export function startXtablesMonitor(o: {
  /** Default xtables-monitor. */
  kind?: MonitorKind;
  netns?: string;
  onEvent: (e: MonitorEvent) => void;
  onExit?: (code: number | null) => void;
}): XtablesMonitor {
  let child: ChildProcess | undefined;
  let stopped = false;
  let delay = 1000;
  let starts = 0;
  let timer: NodeJS.Timeout | undefined;
  const argv = [
    ...(o.netns ? [rootExecutable('ip') ?? 'ip', 'netns', 'exec', o.netns] : []),
    rootExecutable('stdbuf') ?? 'stdbuf',
    '-oL',
    ...COMMAND[o.kind ?? 'xtables-monitor'],
  ];
  const start = () => {
    if (stopped) return;
    starts++;
    const startedAt = Date.now();
    child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: ROOT_PATH, LC_ALL: 'C' },
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = NEWGEN.exec(line) ?? NFT_NEWGEN.exec(line);
      o.onEvent(m ? { line, writer: { pid: Number(m[1]), name: m[2]! } } : { line });
    });
    child.once('error', () => undefined);
    child.once('exit', (code) => {
      o.onExit?.(code);
      if (stopped) return;
      // A monitor that ran a while before dying starts again soon; one that keeps dying waits longer each time.
      delay = Date.now() - startedAt > 60_000 ? 1000 : Math.min(delay * 2, 30_000);
      timer = setTimeout(start, delay);
      timer.unref();
    });
  };
  start();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      child?.kill('SIGTERM');
    },
    get starts() {
      return starts;
    },
  };
}
