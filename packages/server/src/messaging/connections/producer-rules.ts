import type { Envelope, Role } from '@rfe/protocol';
import { isInputType } from '../runner-delivery.ts';

export interface Refusal {
  code: 'invalid_message' | 'forbidden' | 'session_closed';
  message: string;
}

/**
 * What a producer may put in a session's log: messages of that session, with its own origin, and of the
 * kinds its side produces (the UI sends input for the runner; the runner sends everything else).
 */
export function refuseMessage(message: Envelope, sessionId: string, role: Role): Refusal | null {
  if (message.sessionId !== sessionId) {
    return {
      code: 'invalid_message',
      message: `message.sessionId: expected "${sessionId}", the session of this channel`,
    };
  }
  if (message.origin !== role) {
    return { code: 'invalid_message', message: `message.origin: expected "${role}" on this channel` };
  }
  const input = isInputType(message.type);
  if (role === 'runner' && input) {
    return {
      code: 'forbidden',
      message: `message.type: ${message.type} is input for the runner; a runner cannot send it`,
    };
  }
  if (role === 'ui' && !input) {
    return {
      code: 'forbidden',
      message: `message.type: UI clients send only prompt or cancel, not ${message.type}`,
    };
  }
  return null;
}
