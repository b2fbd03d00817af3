'use strict';
// What `jovo3 run` needs of this project, done from project.js, which the Jovo CLI loads before it starts:
// - jovo-cli 3.3's package update check crashes: it reads the `dependencies` of package-lock.json, which a
//   lockfile of npm 7 or later (version 3) does not have, and offline it cannot reach the registry either, so it
//   fails before recording the check and fails every time. The check is recorded here as done, which is what
//   the CLI itself does after a check; `npm outdated` tells what is new.
// - The CLI compiles only when dist/ is missing, so it would serve stale code: compile what changed first, and
//   bundle the webhook into dist/index.js, which the CLI runs (it looks for index.js in ./dist/src/, then in ./dist/,
//   and runs the last one it found), as `npm start` does.
// - Offline, its Jovo Webhook connector prints an `xhr poll error` stack every few seconds; one line says it
//   instead, and again after the connection comes back and is lost.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ensureWebhookBundle } = require('./fresh');

const JOVO_WEBHOOK = 'https://webhookv3.jovo.cloud';

function recordUpdateCheck() {
  const file = path.join(os.homedir(), '.jovo', 'config');
  let config = {};
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  config.timeLastUpdateMessage = new Date().toISOString();
  fs.writeFileSync(file, JSON.stringify(config, null, '\t'));
}

function quietConnectionErrors() {
  const { error, log } = console;
  let reported = false;
  let connectionError = false;
  console.error = (...args) => {
    if (args[0] === 'Sorry, there seems to be an issue with the connection!') {
      if (!reported) error(`Jovo Webhook: cannot reach ${JOVO_WEBHOOK}; still trying.`);
      reported = connectionError = true;
      return;
    }
    // The connector prints the error itself right after its message.
    if (connectionError && args[0] instanceof Error) return;
    connectionError = false;
    error(...args);
  };
  console.log = (...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('This is your webhook url:')) reported = false;
    log(...args);
  };
}

if (!global.jovoRunPrepared) {
  // The CLI loads project.js several times.
  global.jovoRunPrepared = true;
  recordUpdateCheck();
  ensureWebhookBundle();
  quietConnectionErrors();
}
