import type { EventLog } from '../model/log.js';
import type { CommandIo } from './command.js';

export type ReconcileLog = EventLog;

/**
 * The timeline of a reconcile: readable lines on stderr for people (`HH:MM:SS.mmm event detail`), or pino JSON
 * lines on stderr with `--output json` (stdout stays the machine-readable result).
 */
export async function reconcileLog(io: CommandIo, json: boolean, host: string): Promise<ReconcileLog> {
  if (json) {
    // Loaded only for JSON output: pino costs start-up time that the text timeline does not need.
    const { default: pino } = await import('pino');
    const logger = pino({ base: { host } }, pino.destination(2));
    return (event, data) => logger.info(data ?? {}, event);
  }
  return (event, data) => {
    const time = new Date().toISOString().slice(11, 23);
    const step = data?.step ? ` ${data.step}${data.detail ? ` ${data.detail}` : ''}` : '';
    const why = data?.reason ? ` (${data.reason})` : '';
    const ms = typeof data?.ms === 'number' ? ` ${data.ms} ms` : '';
    const rest = data?.error ? `: ${data.error}` : '';
    io.err(`${time} ${event}${step}${why}${ms}${rest}\n`);
  };
}
