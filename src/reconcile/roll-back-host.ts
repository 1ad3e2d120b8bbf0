import type { EventLog } from '../model/log.js';
import type { HostPorts } from './host-ports.js';
import { type Journal, journalPath, readJson, removeJournal } from './state-files.js';

/**
 * Put the host back as the journal recorded it: rules first (stop redirecting to a kuma-dp that may not work), files,
 * then the previous kuma-dp, which must become ready again. If even that fails and the policy is fail-open, remove
 * the redirect rules: a host without the mesh beats a host without network.
 */
export async function rollBack(
  journal: Journal,
  ports: HostPorts,
  o: { readyTimeoutMs: number; failPolicy: 'fail-open' | 'keep'; log: EventLog },
): Promise<{ failedOpen: boolean }> {
  const prev = journal.previous;
  await ports.restoreRules(prev.rules);
  for (const [path, file] of Object.entries(prev.files)) await ports.putBackFile(path, file);
  if (!prev.kumaDp) {
    await ports.stopKumaDp();
    o.log('rolled back: no kuma-dp ran before, none runs now', { revision: journal.revision });
    return { failedOpen: false };
  }
  try {
    await ports.startKumaDp(prev.kumaDp.argv, prev.kumaDp.env, true);
    await ports.waitReady(o.readyTimeoutMs);
    o.log('rolled back to the previous kuma-dp, which is ready', { revision: journal.revision });
    return { failedOpen: false };
  } catch (e) {
    if (o.failPolicy === 'keep') {
      o.log('ROLLBACK INCOMPLETE: the previous kuma-dp is not ready either; redirect rules kept (policy keep)', {
        error: (e as Error).message,
      });
      return { failedOpen: false };
    }
    await ports.removeRules();
    o.log(
      'FAILED OPEN: the previous kuma-dp is not ready either, so all transparent-proxy rules were REMOVED; this host is out of the mesh but reachable',
      { error: (e as Error).message },
    );
    return { failedOpen: true };
  }
}

/** A journal left by a killed run: undo it, so the host is back at the old state before planning again. */
export async function recoverInterrupted(dir: string, ports: HostPorts, log: EventLog): Promise<string | undefined> {
  const journal = readJson<Journal>(journalPath(dir));
  if (!journal) return undefined;
  const done = journal.steps.map((s) => s.kind).join(', ') || 'nothing';
  log('recovering an interrupted apply', { revision: journal.revision, startedAt: journal.startedAt, steps: done });
  await rollBack(journal, ports, { readyTimeoutMs: 60_000, failPolicy: 'fail-open', log });
  removeJournal(dir);
  return `an apply of revision ${journal.revision} started ${journal.startedAt} was interrupted after: ${done}; the host was put back to its previous state first`;
}
