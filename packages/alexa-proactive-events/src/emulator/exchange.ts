import type { IncomingMessage, RequestListener, ServerResponse } from 'http';

/** One request and its answer, as the emulator's routes see them. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The method; a HEAD is answered as the GET it asks about, without the body. */
  readonly method: string;
  /** The path as sent, without the query string: what routes match and what the log shows. */
  readonly path: string;
  /** The event the request carried, named in its log line. */
  event?: string;
}

/**
 * One job of the emulator: it answers the request and returns true, or returns false (or resolves to false) and
 * the next handler gets it.
 */
export type Handler = (exchange: Exchange) => boolean | Promise<boolean>;

/** A request the emulator cannot read: its body is too large, not JSON, or encoded in a way it does not read. */
export class UnreadableRequest extends Error {
  override readonly name = 'UnreadableRequest';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The request listener of a server that asks each handler in turn and answers a JSON 404 when none answered, a
 * 4xx when the request could not be read, and a 500 when a handler failed.
 */
export function serve(handlers: readonly Handler[]): RequestListener {
  return (req, res) => {
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const exchange: Exchange = { req, res, method, path: pathOf(req.url ?? '/') };
    answer(exchange, handlers).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof UnreadableRequest) return apiError(res, error.status, error.message);
      apiError(res, 500, `The emulator failed to answer: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
}

async function answer(exchange: Exchange, handlers: readonly Handler[]): Promise<void> {
  for (const handler of handlers) if (await handler(exchange)) return;
  apiError(exchange.res, 404, `No route ${exchange.req.method} ${exchange.path}`);
}

/**
 * A handler for `method` at one of `paths`, matched as Amazon's paths are: case-sensitive, a trailing slash
 * allowed.
 */
export function route(method: string, paths: readonly string[], answer: (exchange: Exchange) => void | Promise<void>): Handler {
  return async (exchange) => {
    if (exchange.method !== method || !paths.some((path) => isPath(exchange.path, path))) return false;
    await answer(exchange);
    return true;
  };
}

/** True when `path` is `wanted`, or `wanted` with a trailing slash. */
export function isPath(path: string, wanted: string): boolean {
  return path === wanted || path === `${wanted}/`;
}

/** The path of a request target: as sent for the usual `/path?query`, the URL's for an absolute one. */
function pathOf(target: string): string {
  if (target.startsWith('/')) return target.split('?', 1)[0];
  try {
    return new URL(target).pathname;
  } catch {
    return target;
  }
}

/** A percent-encoded segment of the path (a user id, a device id), decoded; 400 when it is not percent-encoded. */
export function decodedSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new UnreadableRequest(400, `The ${what} in the path is not percent-encoded: ${JSON.stringify(segment.slice(0, 100))}`);
  }
}

/** Answers `body` as JSON. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Amazon's error body for the events API: `{ code, message }`. */
export function apiError(res: ServerResponse, status: number, message: string): void {
  json(res, status, { code: status, message });
}

/** True when the request has a body (a length, even 0, or a chunked one) of the media type `type`. */
export function hasBodyOfType(req: IncomingMessage, type: string): boolean {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && !Number.isNaN(Number(req.headers['content-length'])));
  return hasBody && (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase() === type;
}

/**
 * The body of `req`, at most `limit` bytes; rejects with an UnreadableRequest for a larger one (413), a
 * compressed one (415) or one cut off (400). A body refused for its size is still read to its end, so that the
 * answer reaches the client.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return refuse(415, `The emulator reads bodies without Content-Encoding, not ${JSON.stringify(encoding)}`);
    if (Number(req.headers['content-length'] ?? 0) > limit) return refuse(413, `The body is larger than ${limit} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      refuse(413, `The body is larger than ${limit} bytes`);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('close', () => req.complete || reject(new UnreadableRequest(400, 'The body was cut off')));
    req.once('error', () => reject(new UnreadableRequest(400, 'The body was cut off')));

    function refuse(status: number, message: string) {
      req.resume();
      reject(new UnreadableRequest(status, message));
    }
  });
}

/**
 * The JSON body of `req`: an object or an array (a bare value is refused, as Express's parser refuses it), `{}`
 * when there is none; rejects with an UnreadableRequest when it is not JSON or too large.
 */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8');
  if (text.trim() === '') return {};
  if (!/^\s*[[{]/.test(text)) throw new UnreadableRequest(400, 'The body is not valid JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new UnreadableRequest(400, 'The body is not valid JSON');
  }
}

/** The form of an `application/x-www-form-urlencoded` body; no fields when the body is of another type. */
export async function readForm(req: IncomingMessage, limit: number): Promise<URLSearchParams> {
  if (!hasBodyOfType(req, 'application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams((await readBody(req, limit)).toString('utf8'));
}
