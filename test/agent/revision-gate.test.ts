import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../src/agent/agent-state.js';
import { afterCompile, gateRevision, rewindMessage } from '../../src/agent/revision-gate.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const state = (o: Partial<AgentState> = {}): AgentState => ({ quarantined: [], seen: [], ...o });
const good = { commit: A, inputs: 'in-a', at: 't' };

describe('gateRevision: only forward, unless accepted', () => {
  it.each([
    ['nothing applied yet: the first revision', state(), [], B, false, { kind: 'first' }],
    ['the applied revision again', state({ lastGood: good }), [], A, false, { kind: 'same' }],
    ['a descendant', state({ lastGood: good }), [], B, true, { kind: 'forward' }],
    ['a rewind', state({ lastGood: good }), [], B, false, { kind: 'rewind', from: A, to: B }],
    [
      'a rewind an operator accepted',
      state({ lastGood: good }),
      [{ commit: B, at: 't', by: 'ops' }],
      B,
      false,
      { kind: 'accepted' },
    ],
    [
      'another commit was accepted, not this one',
      state({ lastGood: good }),
      [{ commit: A, at: 't', by: 'ops' }],
      B,
      false,
      { kind: 'rewind', from: A, to: B },
    ],
  ] as const)('%s', (_name, s, accepted, commit, forward, expected) => {
    expect(gateRevision(s, accepted, commit, forward)).toEqual(expected);
  });

  it('the rewind message names both commits and the command that accepts it', () => {
    expect(rewindMessage(A, B)).toBe(
      `the branch was rewound: ${B.slice(0, 12)} does not descend from ${A.slice(0, 12)}, the last revision applied here; the host stays on ${A.slice(0, 12)}. If the rewrite is intended, run: kuma-gitops agent accept ${B}`,
    );
  });
});

describe('afterCompile: record, skip or apply', () => {
  const q = { commit: B, inputs: 'in-b', at: 't', reason: 'rolled-back: kuma-dp not ready' };
  it.each([
    [
      'inputs of the applied revision: record without a plan',
      state({ lastGood: good }),
      'in-a',
      { kind: 'record-only' },
    ],
    [
      'inputs of a quarantined revision: skip',
      state({ lastGood: good, quarantined: [q] }),
      'in-b',
      { kind: 'quarantined', since: B, reason: q.reason },
    ],
    ['new inputs: apply', state({ lastGood: good, quarantined: [q] }), 'in-c', { kind: 'apply' }],
    ['nothing applied yet: apply', state(), 'in-a', { kind: 'apply' }],
  ] as const)('%s', (_name, s, inputs, expected) => {
    expect(afterCompile(s, inputs)).toEqual(expected);
  });
});
