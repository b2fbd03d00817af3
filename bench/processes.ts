import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';

/** A server started as its own process, as it runs in production. */
export interface Running {
  url: string;
  pid: number;
  /** Milliseconds from spawn until it printed its URL. */
  startedInMs: number;
  /** Peak resident memory so far, in MB (VmHWM). */
  peakMemoryMb(): number;
  stop(): Promise<void>;
}

/** Starts `node script args` and waits until its output matches `listening` (whose first group is the URL). */
export function start(script: string, args: string[], env: Record<string, string>, listening: RegExp): Promise<Running> {
  const startedAt = process.hrtime.bigint();
  const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onError = (chunk: Buffer) => (output += chunk);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = listening.exec(output);
      if (!match) return;
      // From here on the output is read and dropped: kept, it would grow with everything the server logs.
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onError);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(running(child, match[1], Number(process.hrtime.bigint() - startedAt) / 1e6));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onError);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening:\n${output}`)));
  });
}

function running(child: ChildProcess, url: string, startedInMs: number): Running {
  return {
    url,
    pid: child.pid!,
    startedInMs,
    peakMemoryMb: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    },
    stop: () =>
      new Promise((resolve) => {
        // Gone already: exited, or killed by a signal (an out-of-memory abort, say), whose 'exit' has passed.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/**
 * Runs `node script args` to its end (under `via`, a command and its arguments before node's, such as GNU time);
 * resolves with the wall time, the exit status, stdout and (if asked) stderr. Never synchronously: the bench keeps
 * reading the output of the servers it started meanwhile, which would otherwise hold what they write in memory.
 */
export function run(
  script: string,
  args: string[],
  env: Record<string, string>,
  { stderr: collectStderr = false, via = [] as string[] } = {},
): Promise<{ ms: number; status: number | null; stdout: string; stderr: string }> {
  const startedAt = process.hrtime.bigint();
  const [command, ...before] = [...via, process.execPath];
  const child = spawn(command, [...before, script, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', collectStderr ? 'pipe' : 'inherit'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ ms: Number(process.hrtime.bigint() - startedAt) / 1e6, status, stdout, stderr })));
}
