import * as fs from 'fs';
import type { FileHandle } from 'fs/promises';
import { ProactiveEventsError } from 'alexa-proactive-events';
import type { PluginErrorCode } from '../errors';

/**
 * A JSON array on disk read an element at a time, for SerialFileDb: where each object at the array's top level
 * starts and ends (in bytes), and where the array closes, found without parsing or holding the whole file. JSON's
 * structural characters are ASCII, so bytes are scanned as they are, UTF-8 and all.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Bytes read at a time: a scan holds one chunk and the element it is in. */
const CHUNK_BYTES = 1 << 20;
/** A row read alone starts with this many bytes, doubled until its element closes. */
const ROW_BYTES = 4096;

/** Finds the objects at the top level of a JSON array, fed a chunk at a time. */
export class ArrayScanner {
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Where the object being read started, or -1 between objects. */
  start = -1;
  /** Where the last complete object ended (after its brace), or where the array opened (after `[`). */
  lastEnd = -1;
  /** Where the array's closing bracket is, once seen; -1 before. */
  closedAt = -1;
  /** Whether the array holds any value (an object or anything else): an appended row needs a comma then. */
  hasValues = false;

  /** Scans `chunk`, which starts at file offset `offset`; calls `onObject` with each object completed in it, and stops when it returns true. */
  scan(chunk: Uint8Array, offset: number, onObject: (start: number, end: number) => boolean | void): void {
    for (let i = 0; i < chunk.length && this.closedAt < 0; i++) {
      const byte = chunk[i];
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
        continue;
      }
      if (this.#depth === 0) {
        if (byte === OPEN_ARRAY) {
          this.#depth = 1;
          this.lastEnd = offset + i + 1;
        } else if (!WHITESPACE.has(byte)) throw notAnArray(offset + i);
        continue;
      }
      if (this.#depth === 1 && byte !== COMMA && byte !== CLOSE_ARRAY && !WHITESPACE.has(byte)) this.hasValues = true;
      if (byte === QUOTE) this.#inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (this.#depth === 1 && byte === OPEN_OBJECT) this.start = offset + i;
        this.#depth++;
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        this.#depth--;
        if (this.#depth === 1 && this.start >= 0) {
          const stop = onObject(this.start, offset + i + 1);
          this.lastEnd = offset + i + 1;
          this.start = -1;
          if (stop === true) return;
        } else if (this.#depth === 0) this.closedAt = offset + i;
      }
    }
  }

  /** Whether the array was opened at all (a file of only whitespace was not). */
  get opened(): boolean {
    return this.lastEnd >= 0;
  }
}

/** An object of the array, parsed, and where it lies in the file. */
export interface Element {
  value: unknown;
  start: number;
  end: number;
}

/**
 * Reads the array in `handle` from the start, a chunk at a time, calling `onElement` with each object at its top
 * level, parsed; resolves with the scanner, which says where the array closes (or, for a file cut short, where its
 * last whole object ends).
 */
export async function scanArray(handle: FileHandle, onElement: (element: Element) => void | Promise<void>): Promise<ArrayScanner> {
  const scanner = new ArrayScanner();
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry = Buffer.alloc(0);
  for (let offset = 0; scanner.closedAt < 0; ) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, offset);
    if (bytesRead === 0) break;
    const read = chunk.subarray(0, bytesRead);
    // The window holds the unfinished object from the chunks before, then this chunk.
    const window = carry.length > 0 ? Buffer.concat([carry, read]) : read;
    const windowStart = offset - carry.length;
    const found: Element[] = [];
    scanner.scan(read, offset, (start, end) => void found.push({ value: parseElement(window, start - windowStart, end - windowStart, start), start, end }));
    for (const element of found) await onElement(element);
    carry = scanner.start >= 0 ? Buffer.from(window.subarray(scanner.start - windowStart)) : Buffer.alloc(0);
    offset += bytesRead;
  }
  return scanner;
}

/**
 * The object that starts at `start` (its first byte a brace), parsed, and where it ends. Read synchronously: a row
 * is a few hundred bytes the page cache holds, which a synchronous read returns in microseconds, while a trip
 * through libuv's thread pool cost more than the row (a fan-out reads one per send).
 */
export function readElement(handle: FileHandle, start: number): Element {
  for (let size = ROW_BYTES; ; size *= 2) {
    const buffer = Buffer.allocUnsafe(size);
    const bytesRead = fs.readSync(handle.fd, buffer, 0, size, start);
    const scanner = new ArrayScanner();
    scanner.scan(Buffer.from('['), start - 1, () => undefined);
    let end = -1;
    scanner.scan(buffer.subarray(0, bytesRead), start, (_, closed) => {
      end = closed;
      return true; // the row read: the bytes after it are other rows
    });
    if (end >= 0) return { value: parseElement(buffer, 0, end - start, start), start, end };
    if (bytesRead < size) throw corrupt(`The users file has no whole row at byte ${start}: was it changed while the skill read it?`);
  }
}

/** Writes all of `bytes` at `position`. */
export async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let written = 0; written < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    written += bytesWritten;
  }
}

/** An empty object as long as `length` bytes (at least 2): what an outdated row becomes, in place, keeping the array valid. */
export function emptyObject(length: number): Buffer {
  const bytes = Buffer.alloc(length, ' ');
  bytes[0] = OPEN_OBJECT;
  bytes[length - 1] = CLOSE_OBJECT;
  return bytes;
}

function parseElement(buffer: Buffer, from: number, to: number, at: number): unknown {
  try {
    return JSON.parse(buffer.toString('utf8', from, to));
  } catch (error) {
    throw corrupt(`The users file has a row at byte ${at} that is not JSON (${(error as Error).message}): restore it from a copy, or remove that row`);
  }
}

function notAnArray(at: number): ProactiveEventsError<PluginErrorCode> {
  return corrupt(`The users file is not a JSON array (byte ${at}): FileDb keeps its users in one array of rows`);
}

function corrupt(message: string): ProactiveEventsError<PluginErrorCode> {
  return new ProactiveEventsError<PluginErrorCode>('ERR_STORE_CORRUPT', message);
}
