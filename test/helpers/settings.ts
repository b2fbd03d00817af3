import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type Settings } from 'jovo-plugin-proactive-events';
import { readAppDeclaration } from 'jovo-plugin-proactive-events/internal';
import { PROJECT_ROOT } from '../../src/settings';

/**
 * Settings as `npm start` would read them, with the FileDb in a fresh temporary folder, and Alexa's signature
 * not checked: these tests post plain requests to what stands behind the door, which the plugin's tests check.
 */
export function testSettings(): Settings {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-test-'));
  return {
    app: readAppDeclaration(PROJECT_ROOT),
    server: { port: 0, host: '127.0.0.1', limits: {} },
    fileDbPath: path.join(dir, 'db.json'),
    sending: { tokenUrl: 'http://127.0.0.1:9/auth/o2/token', allowedOrigins: [], stage: 'development' },
    alexa: { verifyRequests: false, localSkillId: 'local.template-test' },
    fanOut: { batchSize: 100 },
    // The send records have their own test (app.test.ts); elsewhere they would only crowd the output.
    logFormat: 'off',
  };
}
