/** JSON.parse's complaint with the line and column it means: "line 4, column 3: Expected double-quoted …". */
export function jsonSyntaxError(text: string, error: Error): string {
  const offset = errorOffset(text, error.message);
  const message = error.message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/^JSON\.parse: /, '')
    .replace(/^(Unexpected token '.'), (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '$1');
  if (offset === undefined) return `not valid JSON: ${message}`;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `not valid JSON at line ${line}, column ${column}: ${message}`;
}

/**
 * Where JSON.parse stopped: its "at position N", or, for Node 20's "Unexpected token ']', ..."<10 characters>]…"...
 * is not valid JSON", the place of that excerpt in the text; the end for "Unexpected end of JSON input".
 */
function errorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  const excerpt = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!excerpt) return undefined;
  const [, token, cut, context] = excerpt;
  const at = text.indexOf(context);
  if (at < 0) return undefined;
  return at + (cut ? 10 : context.indexOf(token));
}
