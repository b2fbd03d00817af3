/** Lines gathered at most, before they are written without waiting for the turn of the event loop to end. */
const MAX_PENDING_LINES = 512;

/** The writers with lines not yet written, which the process writes before it exits. */
const unwritten = new Set<() => void>();
let flushesAtExit = false;

/**
 * A `write` for `recordLines` that writes the lines of one turn of the event loop in one call, joined by newlines:
 * `console.log` writes to a pipe or file synchronously, and a fan-out's one write per send record took a seventh of
 * the skill's time. The text written is the same, in the same order: `console.log('a\nb')` prints what
 * `console.log('a'); console.log('b')` does. Lines still pending when the process exits are written then.
 */
export function batchedLines(write: (text: string) => void = console.log): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    unwritten.delete(flush);
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    write(text);
  };
  return (line) => {
    pending.push(line);
    if (pending.length >= MAX_PENDING_LINES) return flush();
    if (pending.length > 1) return;
    unwritten.add(flush);
    if (!flushesAtExit) {
      flushesAtExit = true;
      process.once('exit', () => [...unwritten].forEach((pendingFlush) => pendingFlush()));
    }
    setImmediate(flush);
  };
}
