import { LogLevel } from 'jovo-core';

/**
 * `npm test` shows the tests, not the skill's logs: many tests provoke Jovo's warnings on purpose (a refused
 * trigger, a file database that Lambda turns off). Jovo sets its log level when it loads, so it is set again
 * here, once each test file has loaded it.
 */
beforeAll(() => {
  process.env.JOVO_LOG_LEVEL = String(LogLevel.ERROR);
});

// This machine runs Node 20; the AWS SDK says at every load that its 2027 releases need Node 22 (README, Production).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
