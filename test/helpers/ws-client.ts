import WebSocket from 'ws';

export interface StreamClient {
  socket: WebSocket;
  /** Settles with the close code and reason once the socket has closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** The next reply, parsed; rejects when the socket closes first or after `timeoutMs`. */
  next: (timeoutMs?: number) => Promise<Record<string, any>>;
  close: () => void;
}

/** A stream client that collects replies in order (for tests and benches). */
export async function connectStream(url: string): Promise<StreamClient> {
  const socket = new WebSocket(url);
  const replies: Record<string, any>[] = [];
  const waiters: { resolve: (reply: Record<string, any>) => void; reject: (error: Error) => void }[] = [];
  socket.on('message', (data) => {
    const reply = JSON.parse(data.toString()) as Record<string, any>;
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(reply);
    else replies.push(reply);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`socket closed (${code})`));
      resolve({ code, reason: reason.toString() });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (timeoutMs = 20_000) => {
    if (replies.length) return Promise.resolve(replies.shift()!);
    if (socket.readyState !== socket.OPEN) return Promise.reject(new Error('socket closed'));
    return new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply in time')), timeoutMs);
      waiters.push({
        resolve: (reply) => (clearTimeout(timer), resolve(reply)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  };
  return { socket, closed, next, close: () => socket.close() };
}
