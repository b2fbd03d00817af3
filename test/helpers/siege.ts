import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CERT_URL, alexaHeaders } from '../../packages/jovo-plugin-proactive-events/test/helpers/alexaSigning';
import { writeAlexaPreload } from './alexaStandin';
import { WITHOUT_DOTENV } from './environment';
import { APPLICATION_ID, launchRequest } from './plugin';

/**
 * A real `npm start` process under attack, loopback only: the skill's compiled entry, started with the preload of
 * alexaStandin.ts (the tests' root in place of Node's public roots, S3 on loopback), which counts every download.
 * Nothing else of the skill is changed: its doors, limits and verifier run as they do in production.
 */

const root = path.join(__dirname, '..', '..');
const entry = path.join(root, 'dist', 'src', 'index.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-siege-'));

const preloadFile = writeAlexaPreload(path.join(work, 'preload.js'));

/** The trigger secret of every skill started here. */
export const SIEGE_SECRET = randomBytes(32).toString('hex');
export { APPLICATION_ID, CERT_URL };

export interface SiegedSkill {
  url: string;
  port: number;
  pid: number;
  output: { stdout: string; stderr: string };
  /** Resident memory now, in MB. */
  rssMb(): number;
  /** Certificate downloads the skill made so far. */
  downloads(): number;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
/** Stops every skill still running (for afterAll). */
export function stopAll(): void {
  children.forEach((child) => child.kill('SIGKILL'));
}

/**
 * Starts the compiled skill as `npm start` runs it, with `env` over a clean environment, under a descriptor limit
 * of `fdLimit` (`ulimit -n`), and resolves once it listens; rejects with its output if it exits first.
 */
export function startSkill(env: Record<string, string>, { fdLimit = 1024 } = {}): Promise<SiegedSkill> {
  const downloadsFile = path.join(work, `downloads-${randomBytes(4).toString('hex')}.log`);
  fs.writeFileSync(downloadsFile, '');
  const child = spawn('/bin/sh', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, process.execPath, entry], {
    cwd: root,
    env: {
      ...process.env,
      ...WITHOUT_DOTENV,
      JOVO_PORT: '0',
      FILEDB_PATH: path.join(work, `db-${randomBytes(4).toString('hex')}.json`),
      TRIGGER_SECRET: SIEGE_SECRET,
      ...env,
      NODE_OPTIONS: `--require ${preloadFile}`,
      ALEXA_STANDIN_DOWNLOADS: downloadsFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk) => (output.stderr += chunk));
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = /listening on (http:\/\/[^\s]+\/webhook)/.exec(output.stdout);
      if (!match || !/[Tt]riggers are/.test(output.stdout)) return;
      child.stdout!.off('data', check);
      resolve({
        url: match[1],
        port: Number(new URL(match[1]).port),
        pid: child.pid!,
        output,
        rssMb: () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
        downloads: () => fs.readFileSync(downloadsFile, 'utf8').split('\n').filter(Boolean).length,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`the skill exited with ${code} before listening:\n${output.stdout}${output.stderr}`)));
  });
}

/** Kept-alive connections from each loopback address, as a client's connection pool keeps them. */
const agents = new Map<string, http.Agent>();
/** Ends every connection the helpers' posts keep alive (for afterAll). */
export function closeAgents(): void {
  agents.forEach((agent) => agent.destroy());
}

/**
 * A POST's status and how long its answer took, from the loopback address `from` (127.0.0.1: the owner and
 * "Alexa"; the outsider's attacks come from 127.0.0.2); status 0 when the connection failed.
 */
export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, from = '127.0.0.1'): Promise<{ status: number; ms: number; body: string }> {
  let agent = agents.get(from);
  if (!agent) agents.set(from, (agent = new http.Agent({ keepAlive: true, localAddress: from })));
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString() }));
      res.on('error', (error) => resolve({ status: 0, ms: performance.now() - started, body: String(error) }));
    });
    req.on('error', (error) => resolve({ status: 0, ms: performance.now() - started, body: String(error) }));
    req.end(body);
  });
}

/** A LaunchRequest for the skill, signed by "Alexa" under the test root, as Alexa sends it. */
export function genuineRequest(url: string, userId = 'amzn1.ask.account.GENUINE'): Promise<{ status: number; ms: number; body: string }> {
  const raw = JSON.stringify(launchRequest({ userId, timestamp: new Date().toISOString() }));
  return post(url, raw, alexaHeaders(raw));
}

/** What `promise` gives within `ms`, or `late` (a request that got no answer in time). */
export function within<T, L>(ms: number, promise: Promise<T>, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<L>((resolve) => (timer = setTimeout(() => resolve(late), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once `done()` holds, checked every 50 ms, or after `ms` whatever it says: a wait for what the skill does
 * on its own timer (closing a connection at its timeout) that ends when it happened, not at a guess of when.
 */
export async function whenDone(done: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!done() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Runs `task` again and again until `ms` have passed; resolves with what each run gave. */
export async function during<T>(ms: number, task: () => Promise<T>, pauseMs = 0): Promise<T[]> {
  const until = performance.now() + ms;
  const results: T[] = [];
  while (performance.now() < until) {
    results.push(await task());
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return results;
}

/**
 * Opens `count` TCP connections to `port` from `localAddress` (another loopback address than the owner's, as an
 * outsider's), each sending `first` (nothing by default) and then nothing more. Resolves once each is open or
 * refused; `close` ends them all. `open()` counts those the skill has not closed.
 */
export function idleConnections(port: number, count: number, { localAddress = '127.0.0.2', first = '' } = {}) {
  return openConnections(port, count, localAddress, (socket) => (first ? socket.write(first) : true));
}

/**
 * `count` connections that each send a request's headers for a body of `bytes` and all of it but the last byte,
 * then wait. Resolves once each has sent its part (or was refused).
 */
export function heldBodies(port: number, count: number, bytes: number, { localAddress = '127.0.0.2' } = {}) {
  const head = `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`;
  const body = Buffer.alloc(bytes - 1, 0x20);
  return openConnections(port, count, localAddress, (socket) => socket.write(head) && socket.write(body));
}

async function openConnections(port: number, count: number, localAddress: string, send: (socket: net.Socket) => unknown) {
  const sockets: net.Socket[] = [];
  let closed = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const socket = net.connect({ port, host: '127.0.0.1', localAddress });
          sockets.push(socket);
          socket.on('error', () => undefined);
          socket.on('data', () => undefined);
          socket.once('close', () => {
            closed++;
            resolve();
          });
          socket.once('connect', () => {
            // Resolved once what it sent is written out (or, for a held body the skill stopped reading, soon after).
            if (send(socket)) resolve();
            else socket.once('drain', resolve);
            setTimeout(resolve, 1000);
          });
        }),
    ),
  );
  return { open: () => count - closed, close: () => sockets.forEach((socket) => socket.destroy()) };
}

/**
 * The certificate-URL flood: each of `loops` posts, one after another for `ms`, a LaunchRequest for the skill with a
 * wrong signature and a certificate URL no one asked for before: another file under /echo.api/, the genuine one
 * with an escaped letter, or with a query. Resolves with how many it sent.
 */
export async function certificateFlood(url: string, loops: number, ms: number): Promise<number> {
  let n = 0;
  const variants = [
    (i: number) => `https://s3.amazonaws.com/echo.api/forged-${i}.pem`,
    (i: number) => `${CERT_URL}?n=${i}`,
    (i: number) => CERT_URL.replace('echo-api-cert', `%65cho-api-cert`) + `#${i}`,
    (i: number) => CERT_URL.replace('/echo.api/', `/echo.api/x${i}/../`),
  ];
  const sent = await Promise.all(
    Array.from({ length: loops }, () =>
      during(ms, async () => {
        const i = n++;
        const raw = JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.FORGER', timestamp: new Date().toISOString() }));
        const headers = { ...alexaHeaders(raw, { key: 'other' }), signaturecertchainurl: variants[i % variants.length](i) };
        return post(url, raw, headers, '127.0.0.2');
      }),
    ),
  );
  return sent.flat().length;
}

/**
 * An unsigned trigger of about `bytes`, made of wide objects (every object's keys would have to be sorted for a
 * canonical form), as a forger without the secret can send.
 */
export function wideTrigger(bytes: number): string {
  const wide = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${(i * 7919) % count}-${i}`, i]));
  const payload: unknown[] = [];
  let size = 0;
  while (size < bytes - 2000) {
    const object = wide(500);
    payload.push(object);
    size += JSON.stringify(object).length + 1;
  }
  const body = JSON.parse(JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.FORGER', timestamp: new Date().toISOString() }))) as Record<string, unknown>;
  (body.request as Record<string, unknown>) = { type: 'IntentRequest', requestId: 'trigger.forged', timestamp: new Date().toISOString(), locale: 'en-US', intent: { name: 'WeatherAlertIntent' } };
  body.trigger = { data: { event: { name: 'AMAZON.WeatherAlert.Activated', payload }, referenceId: 'forged', explicitEndpoint: true }, signature: 'v1=00' };
  return JSON.stringify(body);
}

/** A request unrelated to the attack, from the owner's address: a body that is not Alexa's, answered at the door. Its time is the wait. */
export function probe(url: string) {
  return post(url, '{}');
}

/** The outsider's POST, from 127.0.0.2. */
export function attack(url: string, body: string, headers: Record<string, string> = {}) {
  return post(url, body, headers, '127.0.0.2');
}
