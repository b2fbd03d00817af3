import type { IncomingMessage, ServerResponse } from 'http';
import { MAX_TRIGGER_BYTES } from './envelope';

/**
 * The body's length of a request the webhook may read itself, before Express (see `createWebhook`): `POST
 * /webhook` exactly, its length given (no chunks) and within what a trigger may be, not compressed, not carrying
 * Alexa's signature headers (those are read as Alexa's, within less), and its body not yet read by anyone (an
 * app the webhook is mounted in may have parsed it: its end would never come again). Undefined for any other:
 * Express reads it, and answers what is wrong with it.
 */
export function shortWayLength(req: IncomingMessage, signedByAlexa: boolean): number | undefined {
  if (req.method !== 'POST' || req.url !== '/webhook' || signedByAlexa) return undefined;
  if (req.readableEnded || req.readableFlowing !== null) return undefined;
  const { 'content-length': given, 'transfer-encoding': chunked, 'content-encoding': encoding } = req.headers;
  if (given === undefined || chunked !== undefined || encoding !== undefined || !/^\d{1,7}$/.test(given)) return undefined;
  const length = Number(given);
  return length <= MAX_TRIGGER_BYTES ? length : undefined;
}

/** The whole body of `req`, `length` bytes; undefined when it was cut short (the client went away before sending it all). */
export function readWhole(req: IncomingMessage, length: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    req.once('end', () => resolve(received === length ? Buffer.concat(chunks, received) : undefined));
    req.once('error', () => resolve(undefined));
  });
}

/** How Express's `res.json` tags a body (its `etag fn` setting), so that an answer written here has the same headers. */
export type EtagOf = (body: string, encoding: 'utf8') => string | undefined;

/** Writes `body` as JSON with the status and headers Express's `res.status(status).json(body)` gives it. */
export function sendJson(res: ServerResponse, status: number, body: unknown, etagOf: EtagOf | undefined): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  const etag = etagOf?.(text, 'utf8');
  if (etag) res.setHeader('ETag', etag);
  res.end(text);
}
