import { DigestSet } from '../send/digestSet';
import type { AcceptedEvent, RefusedEvent } from './types';

/** Refused event requests each emulator keeps, the oldest dropped first. */
export const MAX_REFUSED = 100;
/** Accepted events each emulator keeps unless told otherwise (`keepEvents`), the oldest dropped first. */
export const DEFAULT_KEEP_EVENTS = 10_000;

/** The events an emulator accepted, the latest it refused, and the referenceIds it has seen. */
export class EventRecords {
  /** The latest accepted events, at most `keep`: their bodies are what an emulator's memory goes to. */
  readonly accepted: AcceptedEvent[] = [];
  readonly refused: RefusedEvent[] = [];
  /** Events accepted since the start or the last clear, those dropped from `accepted` included. */
  acceptedCount = 0;
  /** Every accepted event's stage, referenceId and audience, by their digest: the text took some 270 bytes an event. */
  readonly #seen = new DigestSet();
  /** Refusals ever, so that ids stay unique past a clear. */
  #refusals = 0;

  constructor(readonly keep = DEFAULT_KEEP_EVENTS) {}

  /** Accepted events no longer kept: the oldest, past `keep`. */
  get dropped(): number {
    return this.acceptedCount - this.accepted.length;
  }

  /** True, and remembered, the first time an event of this referenceId goes to this audience at this stage. */
  firstOf(stage: string, referenceId: string, audience: string): boolean {
    return this.#seen.addNew(`${stage}\n${referenceId}\n${audience}`);
  }

  accept(event: Omit<AcceptedEvent, 'id'>): void {
    // The referenceIds seen stay (a repeat past the window is still a duplicate); only the bodies go.
    if (this.accepted.push({ id: ++this.acceptedCount, ...event }) > this.keep) this.accepted.shift();
  }

  refuse(refusal: Omit<RefusedEvent, 'id'>): void {
    if (this.refused.push({ id: ++this.#refusals, ...refusal }) > MAX_REFUSED) this.refused.shift();
  }

  /** Forgets the accepted and refused events, and with them the referenceIds seen. */
  clear(): void {
    this.accepted.length = 0;
    this.acceptedCount = 0;
    this.refused.length = 0;
    this.#seen.clear();
  }
}
