import { randomUUID } from 'node:crypto';
import type { Envelope } from '@rfe/protocol';
import type { AppContext } from '../context.ts';
import type { SessionsTable } from '../db/schema.ts';
import type { SessionUser } from '../messaging/live-session.ts';

/** Appends a message from the backend (e.g. `pr_event`) to a session's log, through its sequencer. */
export async function emitBackendMessage(
  ctx: AppContext,
  session: Pick<SessionsTable, 'id' | 'workspace_id' | 'project_id'>,
  message: Pick<Envelope, 'type' | 'payload'> & { level?: Envelope['level'] },
): Promise<void> {
  const project = await ctx.db
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', session.project_id)
    .executeTakeFirstOrThrow();
  const live = await ctx.messaging.forWriting(session, project);
  const user: SessionUser = { close: () => {} };
  live.retain(user);
  try {
    await live.sequencer.submitAsync({
      id: randomUUID(),
      sessionId: session.id,
      ts: new Date().toISOString(),
      level: message.level ?? 'info',
      origin: 'backend',
      type: message.type,
      payload: message.payload,
    } as Envelope);
  } finally {
    live.release(user);
  }
}
