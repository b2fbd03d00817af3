import * as http from 'http';
import * as https from 'https';
import type { AxiosInstance, AxiosStatic } from 'axios';

/**
 * axios, loaded on first use rather than at start: only the token client uses it, about once an hour, and
 * loading it at start added to every cold start.
 */
export function loadAxios(): AxiosStatic {
  return (require('axios') as { default: AxiosStatic }).default;
}

/** An axios client with keep-alive connections, made when first asked for. */
export function lazyHttpClient(given?: AxiosInstance): () => AxiosInstance {
  let client = given;
  return () =>
    (client ??= loadAxios().create({
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      maxRedirects: 0,
      proxy: false,
    }));
}

/** An HTTP answer: its status, its headers, and its body (parsed when it is JSON). */
export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The parsed body when it is JSON, the text otherwise. */
  data: unknown;
}

/** How a JSON POST is made; tests and other transports can stand in. */
export type PostJson = (url: string, body: unknown, options: { headers?: Record<string, string>; timeoutMs: number }) => Promise<JsonResponse>;

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/**
 * POSTs JSON over kept-alive connections with Node's own http, and never follows a redirect (it would carry the
 * access token to a host nobody checked). Per event it costs a fifth of what axios did (0.1 against 0.5 ms of CPU,
 * profiled under load), which matters once per event of a fan-out. Rejects with an error whose `code` says why
 * when there is no answer within `timeoutMs` (ETIMEDOUT) or no connection.
 */
export const postJson: PostJson = (url, body, { headers = {}, timeoutMs }) => {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: 'POST',
        agent: agents[target.protocol as keyof typeof agents],
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': payload.length, ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data: unknown = text;
          if (text !== '' && (response.headers['content-type'] ?? '').includes('json')) {
            try {
              data = JSON.parse(text);
            } catch {
              data = text;
            }
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, data });
        });
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(payload);
  });
};

/** What went wrong with a request that got no answer: `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3001`. */
export function networkCause(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return [code, message ?? String(error)].filter(Boolean).join(': ');
}
