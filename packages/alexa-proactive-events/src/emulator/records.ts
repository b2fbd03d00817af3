import type { AcceptedEvent, RefusedEvent } from './types';

/** Refused event requests each emulator keeps, the oldest dropped first. */
export const MAX_REFUSED = 100;

/** The events an emulator accepted, the latest it refused, and the referenceIds it has seen. */
export class EventRecords {
  readonly accepted: AcceptedEvent[] = [];
  readonly refused: RefusedEvent[] = [];
  /** stage | referenceId | audience of every accepted event. */
  readonly #seen = new Set<string>();
  /** Refusals ever, so that ids stay unique past a clear. */
  #refusals = 0;

  /** True, and remembered, the first time an event of this referenceId goes to this audience at this stage. */
  firstOf(stage: string, referenceId: string, audience: string): boolean {
    const key = `${stage}|${referenceId}|${audience}`;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }

  accept(event: Omit<AcceptedEvent, 'id'>): void {
    this.accepted.push({ id: this.accepted.length + 1, ...event });
  }

  refuse(refusal: Omit<RefusedEvent, 'id'>): void {
    if (this.refused.push({ id: ++this.#refusals, ...refusal }) > MAX_REFUSED) this.refused.shift();
  }

  /** Forgets the accepted and refused events, and with them the referenceIds seen. */
  clear(): void {
    this.accepted.length = 0;
    this.refused.length = 0;
    this.#seen.clear();
  }
}
