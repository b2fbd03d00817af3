import { printable } from '../logSafe';
import type { Handler } from './exchange';
import type { ReceivedRequest } from './types';

/** Reads that the log leaves out: the page asks for /events every second, and its polls would bury Amazon's traffic. */
const QUIET_PATHS = ['/events', '/refused', '/stats', '/subscriptions', '/settings'];

/**
 * The requests an emulator got: the latest `limit` of them kept, all of them counted, and a line for each written
 * to `log` once answered (method, path, status, event; what a client chose escaped).
 */
export class RequestLog {
  readonly received: ReceivedRequest[] = [];
  /** Every request since the start or the last clear, those no longer kept included. */
  count = 0;
  readonly #limit: number;
  readonly #log: (line: string) => void;

  constructor(limit: number, log: (line: string) => void) {
    this.#limit = limit;
    this.#log = log;
  }

  /** Records the request, and its status once answered (a dropped connection has none); never answers it. */
  readonly record: Handler = (exchange) => {
    const { method, path, res } = exchange;
    const entry: ReceivedRequest = { method: exchange.req.method ?? method, path, status: null };
    this.count++;
    if (this.received.push(entry) > this.#limit) this.received.splice(0, this.received.length - this.#limit);
    res.once('finish', () => {
      entry.status = res.statusCode;
      if (method === 'GET' && QUIET_PATHS.includes(path)) return;
      this.#log(`${entry.method} ${printable(path)} ${res.statusCode}${exchange.event ? ` ${printable(exchange.event)}` : ''}`);
    });
    return false;
  };

  clear(): void {
    this.received.length = 0;
    this.count = 0;
  }
}
