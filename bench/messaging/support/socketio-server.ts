/**
 * What a Node team would pick instead: socket.io 4.8 with connection-state recovery (missed packets are
 * replayed from memory after a reconnect; nothing is stored). A runner's `send` is broadcast to the UI
 * sockets in its session's room and acknowledged at once. Prints the port once listening.
 */
import { startSocketIoRelay } from './socketio-relay.ts';

startSocketIoRelay({});
