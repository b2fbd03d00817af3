import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'jovo-framework';
import { Alexa, type AlexaResponse } from 'jovo-platform-alexa';
import type { ProactiveEvents } from '../../src';
import { createApp, testSettings } from './app';

const testSuite = new Alexa().makeTestSuite();

/**
 * Talks to one in-process app (by default the plugin's test skill) through Jovo's test suite (runtime 'app'), one
 * user per conversation. Jovo's test runtime stores users in ./db/tests (it swaps in its FileDb2 for every test
 * request); `close()` removes the files this helper created.
 */
export function inProcessSkill(app: App = createApp(testSettings())) {
  const userIds: string[] = [];

  return {
    app,
    builder: testSuite.requestBuilder,
    /** A new user talking in `locale`. */
    user(locale = 'en-US') {
      const userId = `amzn1.ask.account.test-${randomUUID()}`;
      userIds.push(userId);
      // Made for a server and then pointed at the app: for runtime 'app' Jovo would require ./src/app of the
      // working folder, and point JOVO_CONFIG at a config file.
      const conversation = testSuite.conversation({ runtime: 'server', locale, userId });
      conversation.config.runtime = 'app';
      conversation.app = app;
      return {
        userId,
        /** Sends a request (built, or raw Alexa JSON) and returns Alexa's response. */
        async send(request: object): Promise<AlexaResponse> {
          const jovoRequest = 'toJSON' in request ? request : await testSuite.requestBuilder.rawRequest(request);
          return (await conversation.send(jovoRequest as never)) as AlexaResponse;
        },
        async intent(name: string): Promise<AlexaResponse> {
          return (await conversation.send(await testSuite.requestBuilder.intent(name))) as AlexaResponse;
        },
        /** What the plugin has stored for this user. */
        stored() {
          return (app.$plugins.get('ProactiveEvents') as ProactiveEvents).readSubscriber(userId);
        },
      };
    },
    close() {
      for (const userId of userIds) fs.rmSync(path.join('db', 'tests', `${userId}.json`), { force: true });
    },
  };
}
