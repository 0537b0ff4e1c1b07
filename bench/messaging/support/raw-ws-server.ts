/**
 * The ceiling: a bare `ws` relay. A runner's frames go, unparsed and unstored, to the UI sockets of its
 * session. Prints the port once listening. Run by bench/messaging/transport.ts in its own process.
 */
import { type WebSocket, WebSocketServer } from 'ws';

const subscribers = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws, request) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const session = url.searchParams.get('session') ?? '';
  if (url.searchParams.get('role') === 'ui') {
    const set = subscribers.get(session) ?? new Set<WebSocket>();
    subscribers.set(session, set);
    set.add(ws);
    ws.on('close', () => set.delete(ws));
    return;
  }
  ws.on('message', (data) => {
    for (const ui of subscribers.get(session) ?? []) ui.send(data, { binary: false });
  });
});
wss.on('listening', () => process.stdout.write(`ready ${(wss.address() as { port: number }).port}\n`));
