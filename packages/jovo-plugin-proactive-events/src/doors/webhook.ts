import { createServer, type RequestListener, type Server } from 'http';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { ExpressJS, type App } from 'jovo-framework';
import { MAX_BODY_BYTES, errorBody, withoutTestHeader } from './envelope';
import { Gate, triggerSecretOf, type DoorOptions } from './gate';

/**
 * The webhook: `POST /webhook` lets in what the gate admits (Alexa's verified requests, and triggers signed with
 * the secret of the app's ProactiveEvents plugin) and hands it to the Jovo app. Unlike Jovo's shared `Webhook` it is a new Express app per call, and every request gets
 * a JSON answer: a 4xx for bad input, a 500 when the app fails, never an HTML page or silence.
 */
export function createWebhook(app: App, options: DoorOptions): RequestListener {
  const door = new Gate({ ...options, triggerSecret: triggerSecretOf(app) });
  const log = options.log ?? ((line: string) => console.error(line));
  const server = express();
  server.disable('x-powered-by');
  app.initWebhook();
  server.post('/webhook', express.raw({ limit: MAX_BODY_BYTES, type: () => true }), async (req: Request, res: Response) => {
    try {
      const admission = await door.admitHttp(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers);
      if (!admission.ok) return reply(res, admission.refusal.status, admission.refusal.code, admission.refusal.message);
      req.body = admission.body;
      req.headers = withoutTestHeader(req.headers);
      await app.handle(new WebhookHost(req, res));
      if (!res.headersSent) throw new Error('the app gave no response');
    } catch (error) {
      log(`The webhook failed: ${String((error as Error)?.message).slice(0, 300)}`);
      if (!res.headersSent) reply(res, 500, 'INTERNAL', 'The skill failed to handle the request; its log has the cause');
    }
  });
  server.use((req: Request, res: Response) => reply(res, 404, 'NOT_FOUND', `No route ${req.method} ${req.path.slice(0, 100)}: use POST /webhook`));
  server.use(bodyErrors);
  return server;
}

/** Jovo's Express host, answering a failure with the webhook's JSON error instead of Jovo's message (and stack). */
class WebhookHost extends ExpressJS {
  override fail(): void {
    if (!this.res.headersSent) reply(this.res as Response, 500, 'INTERNAL', 'The skill failed to handle the request; its log has the cause');
  }
}

/** How long a client may take to send a request's headers, and the whole request (not the answer). */
export interface ListenOptions {
  /** @default 10000 */
  headersTimeoutMs?: number;
  /** @default 30000 */
  requestTimeoutMs?: number;
}

/**
 * Starts `server` and resolves once it listens; rejects (e.g. port in use) instead of crashing the process. A
 * client that sends its request slowly is cut off (10 s for the headers, 30 s for the whole request), so idle
 * connections cannot pile up.
 */
export function listen(server: RequestListener, port: number, host: string, { headersTimeoutMs = 10_000, requestTimeoutMs = 30_000 }: ListenOptions = {}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const http = createServer(
      { headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, headersTimeoutMs) },
      server,
    );
    http.once('listening', () => resolve(http));
    http.once('error', reject);
    http.listen(port, host);
  });
}

const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, _next) => {
  if (error.type === 'entity.too.large') return reply(res, 413, 'BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  if (error.status && error.status >= 400 && error.status < 500) {
    return reply(res, error.status, 'BAD_REQUEST', 'The request body cannot be read');
  }
  reply(res, 500, 'INTERNAL', 'Internal error');
};

function reply(res: Response, status: number, code: string, message: string): void {
  res.status(status).json(errorBody(code, message));
}
