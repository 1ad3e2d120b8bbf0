/**
 * How the product logs, defined once. An event log takes an event name and its data (the reconcile timeline);
 * a Logger is the subset of pino's logger the rules engine uses, which pino's own logger satisfies as it is.
 */
export type EventLog = (event: string, data?: Record<string, unknown>) => void;

export interface Logger {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
}

/** A Logger that writes into an event log: warnings become `warning: <message>` events. */
export const loggerOf = (log: EventLog): Logger => ({
  info: (data, message) => log(message, data),
  warn: (data, message) => log(`warning: ${message}`, data),
});
