import type { Server } from 'http';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { ExpressJS, type App } from 'jovo-framework';
import { MAX_BODY_BYTES, errorBody, notAnAlexaRequest, withoutTestHeader } from './alexaRequest';

/**
 * The webhook: `POST /webhook` hands Alexa requests to the Jovo app. Unlike Jovo's shared `Webhook` it is a new
 * Express app per call, and it answers bad input with a JSON 4xx instead of an HTML page or a 500.
 */
export function createWebhook(app: App): express.Express {
  const server = express();
  server.disable('x-powered-by');
  app.initWebhook();
  server.post('/webhook', express.json({ limit: MAX_BODY_BYTES, type: () => true }), async (req: Request, res: Response) => {
    const problem = notAnAlexaRequest(req.body);
    if (problem) return reply(res, 400, 'NOT_ALEXA_REQUEST', problem);
    req.headers = withoutTestHeader(req.headers);
    await app.handle(new ExpressJS(req, res));
  });
  server.use((req: Request, res: Response) => reply(res, 404, 'NOT_FOUND', `No route ${req.method} ${req.path}: use POST /webhook`));
  server.use(bodyErrors);
  return server;
}

/** Starts `server` and resolves once it listens; rejects (e.g. port in use) instead of crashing the process. */
export function listen(server: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const http = server.listen(port, host);
    http.once('listening', () => resolve(http));
    http.once('error', reject);
  });
}

const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, _next) => {
  if (error.type === 'entity.parse.failed') return reply(res, 400, 'INVALID_JSON', 'The request body is not valid JSON');
  if (error.type === 'entity.too.large') return reply(res, 413, 'BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  if (error.status && error.status >= 400 && error.status < 500) {
    return reply(res, error.status, 'BAD_REQUEST', 'The request body cannot be read');
  }
  reply(res, 500, 'INTERNAL', 'Internal error');
};

function reply(res: Response, status: number, code: string, message: string): void {
  res.status(status).json(errorBody(code, message));
}
