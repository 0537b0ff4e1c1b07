/**
 * Everything about the socket itself: which WebSocket API the client relies on, how the URL carries
 * the resume cursor, and how a connection is torn down. The rest of the client speaks frames.
 */

/** The part of a WebSocket the client uses; the browser's global `WebSocket` and `ws` both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string) => SocketLike;

const OPEN = 1;

/**
 * The URL for one connection attempt: `ws(s)` scheme (http(s) is converted) and the resume cursor as
 * the `after` query parameter (omitted when 0: from the start for a UI, "what I have not acknowledged"
 * for a runner). Relative URLs resolve against the page in a browser.
 */
export function streamUrl(base: string, after: number): string {
  const url = new URL(base, (globalThis as { location?: { href: string } }).location?.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`unsupported WebSocket URL scheme ${url.protocol} in ${base}`);
  }
  if (after > 0) url.searchParams.set('after', String(after));
  else url.searchParams.delete('after');
  return url.toString();
}

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  /** Called once, however the socket ends. */
  closed(code: number, reason: string): void;
}

export function openSocket(Impl: WebSocketConstructor, url: string, handlers: SocketHandlers): SocketLike {
  const socket = new Impl(url);
  let closed = false;
  const end = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    handlers.closed(code, reason);
  };
  socket.addEventListener('open', () => handlers.open());
  socket.addEventListener('message', (event) => handlers.message(event.data));
  socket.addEventListener('close', (event) => end(event.code, event.reason));
  // An error is always followed by close; the listener must exist so `ws` does not throw it.
  socket.addEventListener('error', () => {});
  return socket;
}

export function isOpen(socket: SocketLike): boolean {
  return socket.readyState === OPEN;
}

/**
 * Ends a connection without waiting for the peer: a dead peer never answers the closing handshake.
 * `ws` has `terminate()`; a browser socket can only `close()`.
 */
export function dropSocket(socket: SocketLike, code: number, reason: string): void {
  try {
    const terminate = (socket as { terminate?: () => void }).terminate;
    if (typeof terminate === 'function') terminate.call(socket);
    else socket.close(code, reason);
  } catch {
    // already closing
  }
}
