import { createServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';

/**
 * The socket.io side of the comparison: UI sockets join their session's room; a runner's `send` is
 * broadcast to that room and acknowledged once `stored` resolves (at once for the in-memory peer).
 * Prints the port once listening.
 */
export function startSocketIoRelay(
  options: Partial<ServerOptions>,
  configure: (io: Server) => { stored: () => Promise<unknown> } = () => ({ stored: () => Promise.resolve() }),
): void {
  const http = createServer();
  const io = new Server(http, {
    ...options,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true },
    transports: ['websocket'],
  });
  const { stored } = configure(io);
  io.on('connection', (socket) => {
    const session = String(socket.handshake.query.session);
    if (socket.handshake.query.role === 'ui') {
      void socket.join(session);
      return;
    }
    socket.on('send', (message: unknown, ack?: () => void) => {
      io.to(session).emit('message', message);
      void stored().then(() => ack?.());
    });
  });
  http.listen(0, '127.0.0.1', () =>
    process.stdout.write(`ready ${(http.address() as { port: number }).port}\n`),
  );
}
