import type { App } from 'jovo-framework';
import { Lambda } from 'jovo-framework/dist/src/hosts/Lambda';
import { errorBody, withoutTestHeader, type Refusal } from './alexaRequest';
import { createApp } from './app';
import { Gate, gateOptions, type GateOptions } from './gate';
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

export interface LambdaOptions {
  /** Adds to the door's options (its log, say). */
  gate?: Partial<GateOptions>;
  /** The app to serve; by default `createApp(settings)`, made on the first invocation. */
  app?: App;
}

export type LambdaHandler = (event: unknown, context?: unknown, callback?: (error: unknown, result?: unknown) => void) => Promise<unknown>;

/**
 * The Lambda entry. It serves both kinds of traffic a skill's function sees: Alexa invoking it (the event is the
 * Alexa request; Lambda's permission for the skill vouches for it, and its applicationId must be SKILL_ID), and
 * signed triggers arriving through API Gateway or a function URL, which admit nothing else: any other HTTP event
 * gets 403 before Jovo or the database are touched. The app is created on the first invocation and kept for the
 * container's life, and with it the access token cache and the replay guard. Answers through `callback` when
 * Lambda passes one, and as the returned promise's value; a failure (inside Jovo, or a refused invocation) is
 * the callback's error, or else a rejection.
 */
export function createLambdaHandler(settings: Settings, { gate, app: given }: LambdaOptions = {}): LambdaHandler {
  // Nothing Lambda receives carries Amazon's signature: direct invocations need none, HTTP events are triggers.
  const door = new Gate({ ...gateOptions(settings), signatures: false, ...gate });
  let app = given;
  return async (event, context, callback) => {
    let result: unknown;
    try {
      if (isHttpEvent(event)) {
        const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
        const headers = lowerCaseKeys(event.headers ?? {});
        const admission = await door.admitHttp(raw, headers, { triggersOnly: true });
        if (!admission.ok) result = reply(admission.refusal);
        else {
          // Jovo's Lambda host treats an event with a body as API Gateway's and answers with statusCode and body.
          const forJovo = { ...event, body: admission.body, isBase64Encoded: false, headers: withoutTestHeader(headers) };
          result = await handleAlexa((app ??= createApp(settings)), forJovo, context);
        }
      } else {
        const admission = door.admitInvocation(event);
        if (!admission.ok) throw new Error(`Refused: ${admission.refusal.code}: ${admission.refusal.message}`);
        result = await handleAlexa((app ??= createApp(settings)), event, context);
      }
    } catch (error) {
      if (!callback) throw error;
      callback(error);
      return undefined;
    }
    callback?.(null, result);
    return result;
  };
}

function handleAlexa(app: App, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // Jovo answers through the callback before `handle` settles; if `handle` ends without an answer, or throws
    // past its own error handling, the invocation fails instead of never settling.
    app.handle(new Lambda(event, context, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result)))).then(
      () => reject(new Error('The skill gave no response')),
      reject,
    );
  });
}

function isHttpEvent(event: unknown): event is HttpEvent {
  return event !== null && typeof event === 'object' && 'body' in event && 'headers' in event;
}

/** API Gateway 1.0 keeps the header names' case; 2.0 and function URLs lower-case them. */
function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function reply({ status, code, message }: Refusal): HttpResponse {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(errorBody(code, message)) };
}
