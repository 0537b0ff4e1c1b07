import type { Logger } from 'pino';
import type { FanOut } from './fan-out.ts';
import { InProcessFanOut } from './in-process-fan-out.ts';
import { RedisFanOut } from './redis-fan-out.ts';

/** The one place the fan-out is chosen: Redis when REDIS_URL is set, else in-process. */
export function createFanOut(redisUrl: string | undefined, logger: Logger): FanOut {
  return redisUrl ? new RedisFanOut(redisUrl, logger) : new InProcessFanOut();
}
