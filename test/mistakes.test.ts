import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A broken app.json is answered in one line that names its line and column, with no stack trace. */
const root = path.join(__dirname, '..');
const SECRET = 'a-trigger-secret-of-enough-length';

describe('a broken app.json', () => {
  // The compiled skill beside an app.json whose third line ends in a comma before the closing brace.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-app-'));
  beforeAll(() => {
    fs.cpSync(path.join(root, 'dist', 'src'), path.join(copy, 'dist', 'src'), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
    fs.writeFileSync(path.join(copy, 'app.json'), '{\n  "events": ["AMAZON.WeatherAlert.Activated"],\n  "locales": ["en-US"],\n}\n');
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  function start(entry: string, args: string[]) {
    const child = spawn(process.execPath, [entry, ...args], { cwd: copy, env: { PATH: process.env.PATH ?? '', HOME: copy, TRIGGER_SECRET: SECRET, SKILL_ID: 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000' }, stdio: 'pipe' });
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    return new Promise<{ status: number | null; err: string }>((resolve) => child.once('exit', (status) => resolve({ status, err })));
  }

  const problem = `${path.join(copy, 'app.json')} is invalid:\n  - not valid JSON at line 4, column 1: Expected double-quoted property name\n`;

  it('stops the trigger script with a usage error naming its line, not a stack trace', async () => {
    const script = path.join(root, 'packages', 'jovo-plugin-proactive-events', 'dist', 'cli', 'index.js');
    await expect(start(script, ['weather', '--alert-type', 'TORNADO', '--dry-run'])).resolves.toEqual({ status: 2, err: problem });
  });

  it('stops npm start, naming its line', async () => {
    await expect(start(path.join(copy, 'dist', 'src', 'index.js'), [])).resolves.toEqual({ status: 1, err: problem });
  });
});

