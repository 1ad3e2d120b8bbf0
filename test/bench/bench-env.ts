import { spawnSync } from 'node:child_process';

/**
 * The environment of measured commands. Node reads NODE_EXTRA_CA_CERTS at start-up (this machine points it at the
 * whole system CA bundle, ~80 ms per start); neither it nor NODE_OPTIONS is set on a fresh host or in a systemd
 * unit, so measured commands run without them and run.ts prints what they would have cost.
 */
export const STARTUP_VARS = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'];

export const benchEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !STARTUP_VARS.includes(k))),
  ...extra,
});

/** Median wall time of `node -e ''` in `env`. */
export function startupMs(env: NodeJS.ProcessEnv): number {
  const samples = [0, 1, 2, 3, 4].map(() => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', ''], { env });
    return performance.now() - start;
  });
  return samples.sort((a, b) => a - b)[2]!;
}
