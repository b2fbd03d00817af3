import * as http from 'http';
import * as https from 'https';
import type { AxiosInstance, AxiosStatic } from 'axios';

/**
 * axios, loaded on first use rather than at start: a skill that is only answering a request never needs it, and
 * loading it cost about 50 ms of every cold start (measured with --cpu-prof, see the README's benchmark).
 */
export function loadAxios(): AxiosStatic {
  return (require('axios') as { default: AxiosStatic }).default;
}

/** One HTTP client with keep-alive connections, shared by the token client and the sender. */
export function createHttpClient(): AxiosInstance {
  return loadAxios().create({
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    maxRedirects: 0, // a redirect would carry the token to a host nobody checked
    proxy: false,
  });
}

/** An HTTP client made when first asked for. */
export function lazyHttpClient(given?: AxiosInstance): () => AxiosInstance {
  let client = given;
  return () => (client ??= createHttpClient());
}
