import * as fs from 'fs';
import { DigestSet } from 'alexa-proactive-events/internal';

/** Bytes read at a time: the file is never held whole. */
const CHUNK_BYTES = 64 * 1024;
/** Users handed on at a time. */
const BATCH = 1000;

/** A --users-file that is not what the script reads: `message` says what is wrong, for a usage error. */
export class UsersFileProblem extends Error {}

/**
 * The user ids of a --users-file (one id per line, `#` comments and blank lines skipped; or a JSON array of ids),
 * read a chunk at a time and handed on in batches, so that a file of 100,000 users is never in memory whole. Each
 * id comes once, after those given before (`--user`): the ids handed on are remembered by their digests (some 45
 * bytes an id), and nothing else is kept.
 * Throws a UsersFileProblem when a JSON file holds anything but non-empty strings in one array.
 */
export function* userBatches(file: string, before: readonly string[] = []): Generator<string[]> {
  const seen = new DigestSet();
  for (const id of before) seen.addNew(id);
  let batch: string[] = [];
  for (const id of userIds(file)) {
    if (!seen.addNew(id)) continue;
    batch.push(id);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Every id of the file, in order, duplicates included. */
export function* userIds(file: string): Generator<string> {
  const chunks = textChunks(file);
  const first = chunks.next();
  if (first.done) return;
  const rest = (function* () {
    yield first.value;
    yield* chunks;
  })();
  yield* first.value.trimStart().startsWith('[') ? jsonIds(rest) : lineIds(rest);
}

/** The file's text, a chunk at a time (a character split between chunks is kept whole). */
function* textChunks(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new TextDecoder('utf8');
    let bytes: number;
    let text = '';
    // Leading whitespace is skipped, so that the first chunk says whether the file is JSON.
    while ((bytes = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null)) > 0) {
      text = decoder.decode(buffer.subarray(0, bytes), { stream: true });
      if (text !== '') yield text;
    }
    text = decoder.decode();
    if (text !== '') yield text;
  } finally {
    fs.closeSync(fd);
  }
}

function* lineIds(chunks: Iterable<string>): Generator<string> {
  let rest = '';
  for (const chunk of chunks) {
    const lines = (rest + chunk).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) yield* lineId(line);
  }
  yield* lineId(rest);
}

function* lineId(line: string): Generator<string> {
  const id = line.trim();
  if (id !== '' && !id.startsWith('#')) yield id;
}

/** The strings of a JSON array of strings, read a chunk at a time. */
function* jsonIds(chunks: Iterable<string>): Generator<string> {
  const problem = () => new UsersFileProblem('a JSON file must be an array of user ids');
  let state: 'before' | 'first' | 'value' | 'after' | 'closed' = 'before';
  let token: string | undefined;
  let escaped = false;
  for (const chunk of chunks) {
    for (const char of chunk) {
      if (token !== undefined) {
        token += char;
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') {
          const id = JSON.parse(token) as string;
          if (id === '') throw problem();
          yield id;
          token = undefined;
          state = 'after';
        }
      } else if (/\s/.test(char)) continue;
      else if (state === 'before' && char === '[') state = 'first';
      else if ((state === 'first' || state === 'value') && char === '"') token = char;
      else if (state === 'after' && char === ',') state = 'value';
      else if ((state === 'after' || state === 'first') && char === ']') state = 'closed';
      else throw problem();
    }
  }
  if (state !== 'closed') throw problem();
}
