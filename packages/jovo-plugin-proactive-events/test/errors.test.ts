import type { BaseApp, Jovo } from 'jovo-framework';
import { SerialFileDb, proactiveEvents } from '../src';
import { runSchedule } from '../src';

/** What a user of the plugin can fix is a ProactiveEventsError with a code, as the library's errors are. */
describe('the plugin throws ProactiveEventsErrors with a code', () => {
  it('for a handler or a schedule run in an app without the plugin (ERR_NO_PLUGIN)', async () => {
    expect(() => proactiveEvents({} as Jovo)).toThrow(expect.objectContaining({ name: 'ProactiveEventsError', code: 'ERR_NO_PLUGIN', message: expect.stringContaining('app.use(new ProactiveEvents(') }));
    const bare = { $plugins: new Map() } as unknown as BaseApp;
    await expect(runSchedule(bare, 'trash-day', new Date())).rejects.toMatchObject({ code: 'ERR_NO_PLUGIN', message: expect.stringContaining('app.use(new ProactiveEvents(') });
  });

  it('for a SerialFileDb file that is not JSON, naming the option and the value (ERR_INVALID_OPTIONS)', () => {
    const install = () => new SerialFileDb({ pathToFile: '/tmp/users.db' }).install({} as never);
    expect(install).toThrow(
      expect.objectContaining({ name: 'OptionsError', code: 'ERR_INVALID_OPTIONS', issues: [{ path: 'pathToFile', message: 'expected a file whose name ends in .json', value: '/tmp/users.db' }] }),
    );
    expect(install).toThrow(`SerialFileDb's options are invalid (1 problem):\n  - pathToFile: expected a file whose name ends in .json (given "/tmp/users.db")`);
  });

});
