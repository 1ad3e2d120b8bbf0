import type { Family } from './family.js';
import type { TargetFile } from './host-target.js';

/**
 * One step of a reconcile, in the guide's order: user -> files -> kuma-dp -> ready -> rules -> verify. Every step
 * says why it is needed; the executor journals each mutating step before it runs.
 */
export type Step =
  | { kind: 'create-user'; user: string; uid: number; reason: string }
  | { kind: 'write-file'; file: TargetFile; reason: string }
  | { kind: 'start-kuma-dp'; restart: boolean; argv: string[]; env: Record<string, string>; reason: string }
  | { kind: 'wait-ready'; reason: string }
  | { kind: 'apply-rules'; families: Family[]; reason: string }
  | { kind: 'verify'; reason: string };

export type MutatingStep = Exclude<Step, { kind: 'wait-ready' | 'verify' }>;

export interface Plan {
  host: string;
  revision: string;
  /** Empty when the host is in sync. */
  steps: Step[];
}

export const isMutating = (s: Step): s is MutatingStep => s.kind !== 'wait-ready' && s.kind !== 'verify';

/** What a step acts on, in a few words: for the journal, logs and the printed plan. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'create-user':
      return `${step.user} (uid ${step.uid})`;
    case 'write-file':
      return step.file.path;
    case 'start-kuma-dp':
      return step.restart ? 'restart' : 'start';
    case 'apply-rules':
      return step.families.join(', ');
    default:
      return '';
  }
}
