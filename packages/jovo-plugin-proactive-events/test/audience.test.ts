import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { triggerRequest } from 'alexa-proactive-events/trigger';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { runTrigger } from '../src/cli';
import { localSkillId } from '../src/trigger/audience';
import { PROJECT } from './helpers/app';
import { TRIGGER_SECRET, close, eventRequests, startSkill } from './helpers/pipeline';

/** Two deployments that share one TRIGGER_SECRET, as the docs once told: a trigger for one must not work on the other. */
const SKILL_A = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000000a';
const SKILL_B = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000000b';
const WEATHER = { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO', source: 'Weather Knows' } } };

let amazon: Emulator;
beforeAll(async () => {
  amazon = await createEmulator({ port: 0 });
});
afterAll(() => amazon.close());
afterEach(() => amazon.reset());

/** A skill of `skillId` (none: the local identity of the test project) at `stage`, with the shared secret. */
function deployment(skillId: string | undefined, stage: 'development' | 'live') {
  return startSkill([amazon], (settings) => {
    if (skillId) settings.alexa.skillId = skillId;
    settings.sending.stage = stage;
  });
}

/** The signed trigger the owner of skill A at development sends: the body an attacker captures and replays. */
function triggerForA(referenceId: string) {
  const data = { event: WEATHER, referenceId, stage: 'development' as const, explicitEndpoint: true };
  return JSON.stringify(triggerRequest({ skillId: SKILL_A, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET }));
}

async function post(url: string, body: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: (await response.json()) as { error?: { code: string; message: string }; proactiveEvents?: Array<{ status: string }> } };
}

it('is refused by another skill at the live stage that shares the secret, which sends nothing and says which', async () => {
  const [a, b] = await Promise.all([deployment(SKILL_A, 'development'), deployment(SKILL_B, 'live')]);
  try {
    const captured = triggerForA('for-a-only');
    expect((await post(a.url, captured)).json.proactiveEvents).toEqual([expect.objectContaining({ status: 'accepted' })]);
    const sentBefore = eventRequests(amazon).length;
    const replayed = await post(b.url, captured);
    expect(replayed).toEqual({
      status: 403,
      json: {
        error: {
          code: 'TRIGGER_REFUSED',
          message: `Trigger refused: the trigger is for the skill "${SKILL_A}" at the development stage, and this is the skill "${SKILL_B}" at the live stage: another skill; sign it for this one`,
        },
      },
    });
    expect(eventRequests(amazon).length).toBe(sentBefore);
  } finally {
    await Promise.all([close(a.server), close(b.server)]);
  }
});

it('is refused by the same skill deployed at another stage', async () => {
  const live = await deployment(SKILL_A, 'live');
  try {
    const answer = await post(live.url, triggerForA('for-development'));
    expect([answer.status, answer.json.error?.code]).toEqual([403, 'TRIGGER_REFUSED']);
    expect(answer.json.error?.message).toContain('at the development stage, and this is the skill');
    expect(answer.json.error?.message).toContain('at the live stage: another stage');
    expect(eventRequests(amazon)).toEqual([]);
  } finally {
    await close(live.server);
  }
});

describe('the trigger script signs for the skill it targets', () => {
  const projects: string[] = [];
  afterAll(() => projects.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  /** A project folder of its own, with app.json and a .env. */
  function project(env: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audience-'));
    projects.push(dir);
    fs.copyFileSync(path.join(PROJECT, 'app.json'), path.join(dir, 'app.json'));
    fs.writeFileSync(path.join(dir, '.env'), env);
    return dir;
  }

  async function run(cwd: string, url: string, ...flags: string[]) {
    let out = '';
    let err = '';
    const argv = ['weather', '--alert-type', 'TORNADO', '--endpoint', url, '--api-endpoint', amazon.url, '--secret', TRIGGER_SECRET, '--json', ...flags];
    const status = await runTrigger(argv, { out: (text) => (out += text), err: (text) => (err += text), cwd });
    return { status, result: out.trim() === '' ? undefined : (JSON.parse(out.trim().split('\n')[0]) as { status: string; errors: Array<{ message: string }> }), err };
  }

  it("from SKILL_ID and PROACTIVE_STAGE in the project's .env, as the skill reads them", async () => {
    const b = await deployment(SKILL_B, 'live');
    try {
      expect((await run(project(`SKILL_ID=${SKILL_B}\nPROACTIVE_STAGE=live\n`), b.url)).result?.status).toBe('accepted');
      const wrong = await run(project(`SKILL_ID=${SKILL_A}\n`), b.url);
      expect([wrong.status, wrong.result?.status]).toEqual([1, 'rejected']);
      expect(wrong.result?.errors[0].message).toContain(`the trigger is for the skill "${SKILL_A}" at the development stage`);
      expect((await run(project(`SKILL_ID=${SKILL_A}\n`), b.url, '--skill-id', SKILL_B, '--stage', 'live')).result?.status).toBe('accepted');
    } finally {
      await close(b.server);
    }
  });

  it("without a skill id on either side, from the project's local identity: another project's is refused", async () => {
    const local = await deployment(undefined, 'development');
    try {
      expect(localSkillId(PROJECT)).toMatch(/^local\.[0-9a-f]{16}$/);
      expect((await run(PROJECT, local.url)).result?.status).toBe('accepted');
      const elsewhere = project('');
      const refused = await run(elsewhere, local.url);
      expect(refused.result?.errors[0].message).toContain(`the trigger is for the skill "${localSkillId(elsewhere)}"`);
    } finally {
      await close(local.server);
    }
  });
});
