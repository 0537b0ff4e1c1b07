/**
 * What a Node team would pick instead: socket.io 4.8 with connection-state recovery (missed packets are
 * replayed from memory after a reconnect; nothing is stored). A runner's `send` is broadcast to the UI
 * sockets in its session's room and acknowledged. Prints the port once listening.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, {
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true },
  transports: ['websocket'],
});
io.on('connection', (socket) => {
  const session = String(socket.handshake.query.session);
  if (socket.handshake.query.role === 'ui') {
    void socket.join(session);
    return;
  }
  socket.on('send', (message: unknown, ack?: () => void) => {
    io.to(session).emit('message', message);
    ack?.();
  });
});
http.listen(0, '127.0.0.1', () =>
  process.stdout.write(`ready ${(http.address() as { port: number }).port}\n`),
);
