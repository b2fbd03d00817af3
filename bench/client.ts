import * as http from 'http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs JSON over a kept-alive connection; resolves with the status, the parsed body and the time taken. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; ms: number }> {
  const startedAt = process.hrtime.bigint();
  const data = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, ms: Number(process.hrtime.bigint() - startedAt) / 1e6 }),
      );
    });
    request.on('error', reject);
    request.end(data);
  });
}

export async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** Runs `task(i)` for i in 0..n-1, `concurrency` at a time; resolves with the wall time in ms. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number> {
  const startedAt = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await task(next++);
  }));
  return Number(process.hrtime.bigint() - startedAt) / 1e6;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
