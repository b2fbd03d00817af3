import { Log, LogLevel } from 'jovo-core';

/**
 * `npm test` shows the tests, not the skill's logs: many tests provoke Jovo's warnings and errors on purpose (a
 * refused trigger, a file database that Lambda turns off, an intent no handler routes). Jovo sets its log level
 * when it loads, so it is set again here, once each test file has loaded it; a test that reads Jovo's log sets the
 * level it needs itself.
 */
beforeAll(() => {
  process.env.JOVO_LOG_LEVEL = String(LogLevel.NONE);
});

// Jovo writes its colour codes for every formatted message, those its log level filters out included: in a test
// run's output (never a terminal of Jovo's) they are noise, so its console writes words only, as the template's app does.
Log.addConsoleAppender({ ignoreFormatting: true });

// Each Jovo app adds an exit and a SIGINT listener to the process (jovo-core's BaseApp, unless NODE_ENV is
// UNIT_TEST, which would also pick the project's stage): a test file makes dozens of apps, a skill one.
process.setMaxListeners(100);

// This machine runs Node 20; the AWS SDK says at every load that its 2027 releases need Node 22 (README, Production).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
