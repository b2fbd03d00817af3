import type { Server, ServerResponse } from 'http';
import type { Socket } from 'net';

/**
 * Makes `server.close()` finish once the answers under way are sent. Node's own close waits for every connection:
 * a browser's preconnected socket that never sends a request holds it for a minute, and a page polling every
 * second keeps a kept-alive one from ever going idle. Here a socket with no request is closed at once, an answer
 * under way ends with `Connection: close`, and its socket closes after it.
 */
export function closeWhenAnswered(server: Server): () => Promise<void> {
  const answering = new Map<Socket, Set<ServerResponse>>();
  let closing = false;
  const sayClose = (res: ServerResponse) => res.headersSent || res.setHeader('Connection', 'close');
  server.on('connection', (socket: Socket) => {
    answering.set(socket, new Set());
    socket.once('close', () => answering.delete(socket));
  });
  server.on('request', (req, res: ServerResponse) => {
    const socket = req.socket;
    const responses = answering.get(socket);
    if (!responses) return;
    responses.add(res);
    if (closing) sayClose(res);
    res.once('close', () => {
      responses.delete(res);
      if (closing && responses.size === 0) socket.destroySoon();
    });
  });
  return () =>
    new Promise((resolve, reject) => {
      closing = true;
      server.close((error) => (error ? reject(error) : resolve()));
      for (const [socket, responses] of answering) {
        if (responses.size === 0) socket.destroy();
        responses.forEach(sayClose);
      }
    });
}
