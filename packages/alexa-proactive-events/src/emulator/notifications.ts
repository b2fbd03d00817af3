import { json, route, type Handler } from './exchange';
import { NOTIFICATIONS_PAGE } from './page';
import type { EventRecords } from './records';

/** GET /stats: what the emulator took, and what it cost. */
export interface EmulatorStats {
  /** Events accepted since the start or the last reset, those no longer kept included. */
  accepted: number;
  /** Accepted events no longer kept (the oldest, past `keepEvents`): GET /events lists the others. */
  droppedEvents: number;
  /** Requests received since the start or the last reset. */
  received: number;
  tokensIssued: number;
  connections: number;
}

/** What the notifications routes show, and how they forget it. */
export interface NotificationsOptions {
  records: EventRecords;
  stats: () => EmulatorStats;
  /** DELETE /events: forgets the events, the request log and the token count. */
  reset: () => void;
}

/**
 * The notifications page (`GET /`) and what it and tests read: the accepted events (`GET /events`, forgotten by
 * `DELETE /events`), the refused ones (`GET /refused`) and the counts (`GET /stats`).
 */
export function notifications({ records, stats, reset }: NotificationsOptions): Handler[] {
  return [
    // The kept events; how many older ones were dropped goes beside them, in a header.
    route('GET', ['/events'], ({ res }) => {
      res.setHeader('x-dropped-events', String(records.dropped));
      json(res, 200, records.accepted);
    }),
    route('GET', ['/refused'], ({ res }) => json(res, 200, records.refused)),
    route('GET', ['/stats'], ({ res }) => json(res, 200, stats())),
    route('DELETE', ['/events'], ({ res }) => {
      reset();
      res.writeHead(204).end();
    }),
    route('GET', ['/'], ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(NOTIFICATIONS_PAGE) }).end(NOTIFICATIONS_PAGE);
    }),
  ];
}
