import type { PersistedEnvelope } from '@rfe/protocol';

let next = 1;

/** A persisted message as the stream delivers it (seq given, or the next one). */
export function msg(
  type: PersistedEnvelope['type'],
  payload: Record<string, unknown>,
  extra: Partial<Pick<PersistedEnvelope, 'seq' | 'level' | 'origin' | 'sender'>> = {},
): PersistedEnvelope {
  const seq = extra.seq ?? next++;
  return {
    id: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`,
    sessionId: 'S1',
    ts: '2026-12-03T12:00:00.000Z',
    level: 'info',
    origin: 'runner',
    ...extra,
    seq,
    type,
    payload,
  } as PersistedEnvelope;
}
