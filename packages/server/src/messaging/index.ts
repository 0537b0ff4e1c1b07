import type { AppContext } from '../context.ts';
import type { ObjectStore } from '../storage/index.ts';
import { createFanOut } from './fan-out/create-fan-out.ts';
import { RedisFanOut } from './fan-out/redis-fan-out.ts';
import { MessagingHub } from './messaging-hub.ts';
import { type MessagingSettings, messagingSettings } from './settings.ts';

export { MessagingHub } from './messaging-hub.ts';
export type { MessagingSettings } from './settings.ts';

/**
 * Messaging for a context: fan-out chosen by REDIS_URL (a configured Redis that cannot be reached stops
 * start-up), logs in each project's store, runner messages handed to the session manager.
 */
export async function createMessagingHub(
  ctx: Pick<AppContext, 'config' | 'db' | 'logger' | 'metrics' | 'projectStores'> &
    Partial<Pick<AppContext, 'sessions'>>,
  overrides: Partial<MessagingSettings> = {},
  options: { wrapStore?: (store: ObjectStore) => ObjectStore; redisUrl?: string } = {},
): Promise<MessagingHub> {
  const fanOut = createFanOut(options.redisUrl ?? ctx.config.redisUrl, ctx.logger);
  if (fanOut instanceof RedisFanOut) await fanOut.ready();
  return new MessagingHub({
    db: ctx.db,
    logger: ctx.logger,
    registry: ctx.metrics.registry,
    settings: messagingSettings(ctx.config, overrides),
    fanOut,
    storeFor: (project) => {
      const store = ctx.projectStores.storeFor(project);
      return options.wrapStore ? options.wrapStore(store) : store;
    },
    onRunnerMessages: (sessionId, messages) => ctx.sessions?.onRunnerMessages(sessionId, messages),
  });
}
