import { describe, expect, it } from 'vitest';
import { wakeup } from '../../src/agent/wakeup.js';

describe('wakeup: the sleep between polls', () => {
  it('wake() ends a sleep at once; a wake before the sleep makes the next sleep return at once', async () => {
    const w = wakeup();
    const slept = w.sleep(600_000);
    w.wake();
    await slept;
    w.wake();
    await w.sleep(600_000);
    expect(w.stopped).toBe(false);
  });

  it('stop() ends the sleep and every later one, and says stopped', async () => {
    const w = wakeup();
    const slept = w.sleep(600_000);
    w.stop();
    await slept;
    await w.sleep(600_000);
    expect(w.stopped).toBe(true);
  });
});
