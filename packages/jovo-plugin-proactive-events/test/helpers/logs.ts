import { Log } from 'jovo-core';

/** Every line Jovo's Log.warn is given while `run` runs (and not written). */
export async function warnings(run: () => Promise<unknown>): Promise<string[]> {
  const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
  try {
    await run();
    return warn.mock.calls.map(([line]) => String(line));
  } finally {
    warn.mockRestore();
  }
}
