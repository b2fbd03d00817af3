// The order jest runs the test files in: the longest first, so that no worker is left with a long file at the end
// while the other waits. Jest knows how long each file took from its last run (its cache); for a file it has not
// timed (a fresh clone, CI), the time below, from `jest --json` runs on a 2-core machine, stands in
// rather than jest's guess by file size, which would put the short files that start the Jovo CLI, a browser or the
// TypeScript compiler last.
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const root = path.join(__dirname, '..');

/** Seconds, roughly: only the order matters, and only among the files jest has no time for. */
const MEASURED = {
  'test/readme.test.ts': 20,
  'test/manifest.test.ts': 16,
  'test/structure.test.ts': 7,
  'test/dev.test.ts': 25,
  'test/siege.test.ts': 13,
  'test/entry.test.ts': 20,
  'packages/jovo-plugin-proactive-events/test/races.test.ts': 18,
  'packages/jovo-plugin-proactive-events/test/storage.test.ts': 12,
  'test/jovoRun.test.ts': 14,
  'test/api.test.ts': 12,
  'test/crash.test.ts': 8,
  'packages/alexa-proactive-events/test/emulator.test.ts': 7,
  'packages/jovo-plugin-proactive-events/test/alexaCertificates.test.ts': 7,
  'packages/alexa-proactive-events/test/emulatorPage.test.ts': 7,
};

class LongestFirst extends Sequencer {
  sort(tests) {
    const seconds = (test) => {
      const known = this.time(test);
      return known != null ? known / 1000 : (MEASURED[path.relative(root, test.path).split(path.sep).join('/')] ?? 0);
    };
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const keyed = tests.map((test) => ({ test, failed: this.hasFailed(test), seconds: seconds(test), size: size(test) }));
    // As jest does: last run's failures first, for quick feedback; then the longest.
    keyed.sort((a, b) => Number(b.failed) - Number(a.failed) || b.seconds - a.seconds || b.size - a.size);
    return keyed.map(({ test }) => test);
  }
}

module.exports = LongestFirst;
