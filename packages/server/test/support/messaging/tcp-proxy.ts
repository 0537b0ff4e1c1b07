import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Cuts every open connection now (both sides, no closing handshake). */
  cutAll(): void;
  /** Cuts all connections at random intervals between minMs and maxMs until stopped; pass a seeded `random`. */
  cutRandomly(minMs: number, maxMs: number, random: () => number): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy in front of `targetPort` that can drop its connections: a flaky network. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let cuts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
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
  const cutAll = () => {
    for (const [client, upstream] of [...pairs]) {
      cuts++;
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    get cuts() {
      return cuts;
    },
    cutAll,
    cutRandomly(minMs, maxMs, random) {
      const next = () => {
        timer = setTimeout(
          () => {
            cutAll();
            next();
          },
          minMs + random() * (maxMs - minMs),
        );
      };
      next();
    },
    async close() {
      clearTimeout(timer);
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
