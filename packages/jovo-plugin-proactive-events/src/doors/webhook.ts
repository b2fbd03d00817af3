import { createServer, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'http';
import type { Socket } from 'net';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { ExpressJS, type App } from 'jovo-framework';
import { printable } from 'alexa-proactive-events/internal';
import { TRIGGER_ANSWER_MS, type AdmittedTrigger, type TriggerCarrier } from '../trigger/admitted';
import { MAX_ALEXA_BODY_BYTES, MAX_TRIGGER_BYTES, errorBody, tooLarge, withoutTestHeader, type DoorErrorCode } from './envelope';
import { Gate, triggerGate, type Admission, type DoorOptions } from './gate';
import { readWhole, sendJson, shortWayLength, type EtagOf } from './shortWay';
import { answerAtTheDoor } from './triggerPath';

/**
 * The webhook: `POST /webhook` lets in what the gate admits (Alexa's verified requests, and triggers signed with
 * `options.triggerSecret` for this skill and stage) and hands it to the Jovo app. Unlike Jovo's shared `Webhook` it
 * is a new Express app per call, and every request gets a JSON answer: a 4xx for bad input, a 500 when the app
 * fails, never an HTML page or silence. A trigger is read and answered before Express where it can be (a body of
 * known length: `shortWayLength`), and at the door where Jovo's pipeline would add nothing (`answerAtTheDoor`):
 * Express's request handling took a tenth of a trigger's time. The answers are Express's, headers included.
 */
export function createWebhook(app: App, options: DoorOptions): RequestListener {
  const door = new Gate({ ...options, ...triggerGate(app, options) });
  const log = options.log ?? ((line: string) => console.error(line));
  const server = express();
  server.disable('x-powered-by');
  app.initWebhook();
  /** Requests whose body was read before Express, with what the gate made of it: Express goes on from there. */
  const readFirst = new WeakMap<IncomingMessage, { raw: Buffer; admission: Admission }>();
  // A body is read only up to the limit of what it can be: a request carrying Alexa's signature headers is Alexa's
  // (128 KB); any other may be a trigger (256 KB). A Content-Length over it is refused before a byte is read.
  const alexaBody = express.raw({ limit: MAX_ALEXA_BODY_BYTES, type: () => true });
  const anyBody = express.raw({ limit: MAX_TRIGGER_BYTES, type: () => true });
  const readBody: express.RequestHandler = (req, res, next) => {
    const first = readFirst.get(req);
    if (!first) return (signedByAlexa(req.headers) ? alexaBody : anyBody)(req, res, next);
    req.body = first.raw;
    next();
  };
  /** The answer to a trigger that need not go through Jovo (`answerAtTheDoor`); a failure there is answered 500, as in Jovo. */
  const answerHere = async (admitted: AdmittedTrigger | undefined): Promise<{ status: number; body: unknown } | undefined> => {
    const answer = admitted && (await answerAtTheDoor(app, admitted, { writableFiles: true }).catch(() => FAILED));
    if (answer === FAILED) return { status: 500, body: errorBody('INTERNAL', APP_FAILED) };
    return answer && { status: 200, body: answer };
  };
  server.post('/webhook', readBody, async (req: Request, res: Response) => {
    try {
      const admission = readFirst.get(req)?.admission ?? (await door.admitHttp(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers));
      if (!admission.ok) return reply(res, admission.refusal.status, admission.refusal.code, admission.refusal.message);
      const admitted = admittedWith(admission);
      const answer = await answerHere(admitted);
      if (answer) return void res.status(answer.status).json(answer.body);
      req.body = admission.body;
      req.headers = withoutTestHeader(req.headers);
      await app.handle(new WebhookHost(req, res, admitted));
      if (!res.headersSent) throw new Error('the app gave no response');
    } catch (error) {
      log(`The webhook failed: ${printable(String((error as Error)?.message).slice(0, 300))}`);
      if (!res.headersSent) reply(res, 500, 'INTERNAL', APP_FAILED);
    }
  });
  server.use((req: Request, res: Response) => reply(res, 404, 'NOT_FOUND', `No route ${req.method} ${req.path.slice(0, 100)}: use POST /webhook`));
  server.use(bodyErrors);
  const etagOf = server.get('etag fn') as EtagOf | undefined;
  /** A request of known length, read here: a trigger answered at the door, or a refusal, never reaches Express. */
  const shortWay = async (req: IncomingMessage, res: ServerResponse, length: number) => {
    try {
      const raw = await readWhole(req, length);
      // Cut short (the client went away): answered as Express answers a body it cannot read, if anyone still listens.
      if (!raw) return sendJson(res, 400, errorBody('BAD_REQUEST', BODY_UNREADABLE), etagOf);
      const admission = await door.admitHttp(raw, req.headers);
      if (!admission.ok) return sendJson(res, admission.refusal.status, errorBody(admission.refusal.code, admission.refusal.message), etagOf);
      const answer = await answerHere(admittedWith(admission));
      if (answer) return sendJson(res, answer.status, answer.body, etagOf);
      readFirst.set(req, { raw, admission });
      server(req, res);
    } catch (error) {
      log(`The webhook failed: ${printable(String((error as Error)?.message).slice(0, 300))}`);
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL', APP_FAILED), etagOf);
    }
  };
  return (req, res) => {
    const length = shortWayLength(req, signedByAlexa(req.headers));
    if (length === undefined) server(req, res);
    else void shortWay(req, res, length);
  };
}

const APP_FAILED = 'The skill failed to handle the request; its log has the cause';
const BODY_UNREADABLE = 'The request body cannot be read';

/** The trigger `admission` let in, to go with its request, answered within the trigger script's patience; or none. */
function admittedWith(admission: Admission & { ok: true }): AdmittedTrigger | undefined {
  // A trigger to every subscriber sent in this process stops short of the deadline and says so.
  return admission.trigger && { trigger: admission.trigger, via: 'door', deadline: Date.now() + TRIGGER_ANSWER_MS };
}

/** A trigger answered at the door whose answer failed (`answerAtTheDoor` logged why). */
const FAILED = Symbol('failed');

/**
 * Jovo's Express host, carrying the trigger the gate admitted with the request (the plugin reads it there), and
 * answering a failure with the webhook's JSON error instead of Jovo's message (and stack).
 */
class WebhookHost extends ExpressJS implements TriggerCarrier {
  constructor(
    req: Request,
    res: Response,
    readonly admittedTrigger?: AdmittedTrigger,
  ) {
    super(req, res);
  }

  override fail(): void {
    if (!this.res.headersSent) reply(this.res as Response, 500, 'INTERNAL', APP_FAILED);
  }
}

/** True when a request carries Alexa's signature headers: then it can only be Alexa's, and is read as such. */
function signedByAlexa(headers: IncomingHttpHeaders): boolean {
  return headers['signature-256'] !== undefined || headers.signaturecertchainurl !== undefined;
}

/**
 * How many connections the webhook keeps, and for how long. Every connection costs a file descriptor and up to a
 * body's worth of memory (256 KB), so the defaults hold the whole webhook under 256 descriptors and 64 MB of
 * bodies, far from a service's usual limit of 1,024 descriptors.
 */
export interface ListenOptions {
  /** Open connections at most; the next is closed as soon as it is accepted. @default 256 */
  maxConnections?: number;
  /**
   * Open connections from one client address at most; the next is answered 503 and closed at once. Behind a proxy
   * on the same machine every client has the proxy's address: raise it, and limit clients at the proxy.
   * @default 32
   */
  maxConnectionsPerClient?: number;
  /** A connection that has not sent a request's line and headers within this is answered 408 and closed, idle or not. @default 10000 */
  headersTimeoutMs?: number;
  /** A request (headers and body) not complete within this is answered 408 and closed, and its body let go. @default 30000 */
  requestTimeoutMs?: number;
  /** An idle kept-alive connection is closed after this. @default 5000 */
  keepAliveTimeoutMs?: number;
}

/** The limits `listen` applies when not told otherwise. */
export const LISTEN_DEFAULTS: Readonly<Required<ListenOptions>> = {
  maxConnections: 256,
  maxConnectionsPerClient: 32,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5000,
};

const BUSY_RESPONSE =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\nRetry-After: 1\r\n\r\n' +
  JSON.stringify(errorBody('TOO_MANY_CONNECTIONS', 'Too many open connections from this address; try again'));

/**
 * Starts `server` and resolves once it listens; rejects (e.g. port in use) instead of crashing the process.
 * Connections are bounded (see ListenOptions): a client that sends its request slowly, or nothing, is cut off, and
 * connections past the caps are refused at once rather than held, so that an outsider cannot keep genuine
 * requests out by opening connections.
 */
export function listen(server: RequestListener, port: number, host: string, options: ListenOptions = {}): Promise<Server> {
  const limits = { ...LISTEN_DEFAULTS, ...options };
  return new Promise((resolve, reject) => {
    const http = createServer(
      {
        // Node refuses a headers timeout longer than the request's.
        headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
      },
      server,
    );
    http.maxConnections = limits.maxConnections;
    const clients = new ClientConnections(limits.maxConnectionsPerClient);
    http.on('connection', (socket: Socket) => {
      if (!clients.admit(socket)) socket.end(BUSY_RESPONSE, () => socket.destroy());
    });
    http.on('request', (req: IncomingMessage, res: ServerResponse) => clients.serving(req.socket, res));
    http.once('listening', () => resolve(http));
    http.once('error', reject);
    http.listen(port, host);
  });
}

/**
 * The open connections of each client address, at most `cap` each. A connection at the cap makes room by closing
 * one of its address's kept-alive connections that has been answered and is waiting for nothing (a client's, or a
 * proxy's, connection pool); only when each of them is in the middle of a request, or has not finished its first
 * one, is the new one refused.
 */
class ClientConnections {
  readonly #byAddress = new Map<string, Set<Socket>>();
  readonly #idle = new WeakSet<Socket>();

  constructor(private readonly cap: number) {}

  /** False when `socket` must be refused. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? '';
    let open = this.#byAddress.get(address);
    if (open && open.size >= this.cap) {
      const idle = [...open].find((other) => this.#idle.has(other));
      if (!idle) return false;
      idle.destroy();
      open.delete(idle);
    }
    if (!open) this.#byAddress.set(address, (open = new Set()));
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      if (open.size === 0 && this.#byAddress.get(address) === open) this.#byAddress.delete(address);
    });
    return true;
  }

  /** `socket` carries a request until `res` is sent; then it is idle until its next one. */
  serving(socket: Socket, res: ServerResponse): void {
    this.#idle.delete(socket);
    res.once('finish', () => this.#idle.add(socket));
  }
}

const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, req, res, _next) => {
  if (error.type === 'entity.too.large') {
    const { status, code, message } = signedByAlexa(req.headers) ? tooLarge(MAX_ALEXA_BODY_BYTES, 'an Alexa request') : tooLarge(MAX_TRIGGER_BYTES, 'a request');
    return reply(res, status, code, message);
  }
  if (error.status && error.status >= 400 && error.status < 500) {
    return reply(res, error.status, 'BAD_REQUEST', BODY_UNREADABLE);
  }
  reply(res, 500, 'INTERNAL', 'Internal error');
};

function reply(res: Response, status: number, code: DoorErrorCode, message: string): void {
  res.status(status).json(errorBody(code, message));
}
