import net from 'node:net';

export interface ChaosCounts {
  connections: number;
  cuts: number;
  stalls: number;
  halfCloses: number;
}

export interface ChaosProxy {
  port: number;
  readonly counts: ChaosCounts;
  /** Every `minMs`–`maxMs` one open connection is cut, stalled or half-closed (drawn from `random`). */
  start(minMs: number, maxMs: number, random: () => number): void;
  /** No more faults; connections pass through untouched from now on. */
  calm(): void;
  close(): Promise<void>;
}

type Pair = { client: net.Socket; upstream: net.Socket };

/**
 * A loopback TCP proxy in front of `targetPort` that misbehaves like a bad network: it cuts connections
 * (both sides, no closing handshake), stalls them (stops forwarding for a while, then resumes), and
 * half-closes them (FIN towards one side only, the other left open).
 */
export async function startChaosProxy(targetPort: number): Promise<ChaosProxy> {
  const pairs = new Set<Pair>();
  const counts: ChaosCounts = { connections: 0, cuts: 0, stalls: 0, halfCloses: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const server = net.createServer((client) => {
    counts.connections++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const fault = (random: () => number) => {
    const open = [...pairs];
    if (open.length === 0) return;
    const pair = open[Math.floor(random() * open.length)]!;
    const kind = random();
    if (kind < 0.5) {
      counts.cuts++;
      pair.client.destroy();
      pair.upstream.destroy();
    } else if (kind < 0.8) {
      counts.stalls++;
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
      setTimeout(
        () => {
          if (!pairs.has(pair)) return;
          pair.client.pipe(pair.upstream);
          pair.upstream.pipe(pair.client);
        },
        200 + random() * 1800,
      );
    } else {
      counts.halfCloses++;
      // FIN to one side only; the other direction stays open until its peer gives up on it.
      if (random() < 0.5) pair.upstream.end();
      else pair.client.end();
    }
  };

  return {
    port: (server.address() as net.AddressInfo).port,
    counts,
    start(minMs, maxMs, random) {
      const next = () => {
        timer = setTimeout(
          () => {
            fault(random);
            next();
          },
          minMs + random() * (maxMs - minMs),
        );
      };
      next();
    },
    calm() {
      clearTimeout(timer);
    },
    async close() {
      clearTimeout(timer);
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
