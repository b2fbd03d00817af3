import { Lambda, type App } from 'jovo-framework';
import { MAX_BODY_BYTES, errorBody, notAnAlexaRequest, withoutTestHeader } from './alexaRequest';
import { createApp } from './app';
import type { Settings } from './settings';

/** The HTTP proxy event of API Gateway (payload 1.0 or 2.0) or a Lambda function URL. */
interface HttpEvent {
  body: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

/** What the Lambda entry answers an HTTP proxy event with. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type LambdaHandler = (event: unknown, context?: unknown, callback?: (error: unknown, result?: unknown) => void) => Promise<unknown>;

/**
 * The Lambda entry. It serves both kinds of traffic a skill's function sees: Alexa invoking it (the event is the
 * Alexa request), and signed triggers arriving through API Gateway or a function URL (an HTTP proxy event whose
 * body is the synthetic request). For the latter it checks what the webhook checks: size, JSON, an Alexa
 * envelope, and no `jovo-test` header. The app is created on the first invocation and kept for the container's
 * life, and with it the access token cache and the replay guard. Answers through `callback` when Lambda passes
 * one, and as the returned promise's value.
 */
export function createLambdaHandler(settings: Settings): LambdaHandler {
  let app: App | undefined;
  return async (event, context, callback) => {
    app ??= createApp(settings);
    const result = isHttpEvent(event) ? await handleHttp(app, event, context) : await handleAlexa(app, event, context);
    callback?.(null, result);
    return result;
  };
}

function handleAlexa(app: App, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    void app.handle(new Lambda(event, context, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result))));
  });
}

async function handleHttp(app: App, event: HttpEvent, context: unknown): Promise<HttpResponse> {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return reply(413, 'BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return reply(400, 'INVALID_JSON', 'The request body is not valid JSON');
  }
  const problem = notAnAlexaRequest(body);
  if (problem) return reply(400, 'NOT_ALEXA_REQUEST', problem);
  // Jovo's Lambda host treats an event with a body as API Gateway's and answers with statusCode and body.
  const forJovo = { ...event, body, isBase64Encoded: false, headers: withoutTestHeader(lowerCaseKeys(event.headers ?? {})) };
  return (await handleAlexa(app, forJovo, context)) as HttpResponse;
}

function isHttpEvent(event: unknown): event is HttpEvent {
  return event !== null && typeof event === 'object' && 'body' in event && 'headers' in event;
}

/** API Gateway 1.0 keeps the header names' case; 2.0 and function URLs lower-case them. */
function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function reply(statusCode: number, code: string, message: string): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(errorBody(code, message)) };
}
