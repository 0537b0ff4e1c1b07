/**
 * The durable peer: socket.io 4.8 with @socket.io/redis-streams-adapter. Every broadcast is appended to a
 * Redis stream (XADD) before it is delivered, and connection-state recovery restores missed packets from
 * that stream — what a Node team would pick for durable fan-out. A runner's `send` is acknowledged only
 * once its XADD has returned, i.e. once Redis stored it (appendonly, fsync every second: see redis.ts).
 * Prints the port once listening. REDIS_URL names the server.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { startSocketIoRelay } from './socketio-relay.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

startSocketIoRelay({ adapter: createAdapter(redis) }, (io) => {
  // emit() calls the adapter's broadcast synchronously and drops its promise, which resolves after the
  // XADD: keep the latest one so that the relay acknowledges only what Redis stored.
  const adapter = io.of('/').adapter;
  const broadcast = adapter.broadcast.bind(adapter);
  let lastBroadcast: Promise<unknown> = Promise.resolve();
  // The base type declares void (callers ignore the result); the cluster adapter's broadcast is async.
  adapter.broadcast = (packet, opts) => {
    lastBroadcast = Promise.resolve(broadcast(packet, opts) as unknown);
  };
  return { stored: () => lastBroadcast };
});
