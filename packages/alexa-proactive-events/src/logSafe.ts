/**
 * Characters that a terminal or a log reader acts on rather than shows: C0 and C1 controls (a newline forges a log
 * line, ESC and CSI start terminal sequences), DEL, Unicode's line and paragraph separators, and the bidirectional
 * overrides that reorder what a reader sees.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal or log reader would act on written as an escape (`\n`, `\u001b`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * A value someone else chose (a schedule's name, a user id, a locale), quoted for one log line or message: a JSON
 * string with every control character escaped, cut to `max` characters. Never spans lines, never moves a cursor.
 */
export function quoted(value: unknown, max = 100): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return printable(JSON.stringify(cut));
}
