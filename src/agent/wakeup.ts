/**
 * The agent's sleep between polls, cut short by SIGHUP (sync now) or by SIGTERM/SIGINT (stop): a signal never
 * interrupts a step, it only ends the wait before the next one.
 */
export interface Wakeup {
  readonly stopped: boolean;
  sleep(ms: number): Promise<void>;
  /** Sync now. */
  wake(): void;
  /** Stop after the current step. */
  stop(): void;
}

export function wakeup(): Wakeup {
  let stopped = false;
  let early = false;
  let cut: (() => void) | undefined;
  return {
    get stopped() {
      return stopped;
    },
    sleep(ms) {
      if (stopped || early) {
        early = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          cut = undefined;
          resolve();
        }
        cut = done;
      });
    },
    wake() {
      if (cut) cut();
      else early = true;
    },
    stop() {
      stopped = true;
      cut?.();
    },
  };
}

/** The process's own signals wired to a Wakeup; returns the unhook. */
export function processSignals(w: Wakeup, log: (event: string, data?: Record<string, unknown>) => void): () => void {
  const hup = () => {
    log('SIGHUP: syncing now');
    w.wake();
  };
  const term = (signal: string) => {
    log(`${signal}: stopping after the current step`);
    w.stop();
  };
  const onTerm = () => term('SIGTERM');
  const onInt = () => term('SIGINT');
  process.on('SIGHUP', hup);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  return () => {
    process.off('SIGHUP', hup);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  };
}
