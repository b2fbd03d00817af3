import type { AlexaVerifier as Verifier } from '../src/doors/alexaVerifier';
import { readEnvelope } from '../src/doors/envelope';
import { TEST_ROOT_PEM, alexaChain, alexaHeaders } from './helpers/alexaSigning';
import { APPLICATION_ID, launchRequest } from './helpers/requests';

/**
 * The verifier uses ask-sdk-express-adapter, if at all, through what the package exports (its index's classes and
 * their public methods): nothing it keeps to itself (`_`-prefixed members, modules under `dist/` that its index
 * does not export), and it changes nothing of it for the process. An upgrade of the package then cannot change
 * Alexa's signature checks unseen.
 */
const ADAPTER = 'ask-sdk-express-adapter';
/** Its modules that its index does not export: every name in them is private to it. */
const PRIVATE_MODULES = [`${ADAPTER}/dist/verifier/helper`, `${ADAPTER}/dist/util`];

/** A signed request, and what the verifier answers it. */
async function verifySigned(AlexaVerifier: typeof Verifier, { forged = false } = {}) {
  const raw = JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.PRIVATE' }));
  const read = readEnvelope(JSON.parse(raw));
  if (!read.ok) throw new Error(read.problem);
  const verifier = new AlexaVerifier({ skillId: APPLICATION_ID, signatures: true, trustedRoots: [TEST_ROOT_PEM], download: async () => alexaChain() });
  return verifier.verify(raw, alexaHeaders(raw, { key: forged ? 'other' : 'alexa' }), read.envelope);
}

/** Each member of the package that is private to it, by a name to report, with the object that holds it. */
function privateMembers(): Array<{ label: string; owner: object; name: string }> {
  const members: Array<{ label: string; owner: object; name: string }> = [];
  const adapter = require(ADAPTER) as Record<string, unknown>;
  for (const [exported, value] of Object.entries(adapter)) {
    if (typeof value !== 'function') continue;
    for (const owner of [value, (value.prototype as object | undefined) ?? {}]) {
      for (const name of Object.getOwnPropertyNames(owner)) if (name.startsWith('_')) members.push({ label: `${exported}${owner === value ? '.' : '#'}${name}`, owner, name });
    }
  }
  for (const path of PRIVATE_MODULES) {
    const module = require(path) as object;
    for (const name of Object.keys(module)) members.push({ label: `${path}.${name}`, owner: module, name });
  }
  return members;
}

it('verifies a signed request, and refuses a forged one, with every private member of ask-sdk-express-adapter throwing', async () => {
  await jest.isolateModulesAsync(async () => {
    const members = privateMembers();
    expect(members.map(({ label }) => label)).toEqual(expect.arrayContaining(['SkillRequestSignatureVerifier#_loadCertChain', `${ADAPTER}/dist/verifier/helper.generateCAStore`]));
    const touched: string[] = [];
    for (const { label, owner, name } of members) {
      Object.defineProperty(owner, name, {
        configurable: true,
        get() {
          touched.push(label);
          throw new Error(`${label} is private to ${ADAPTER}`);
        },
        set() {
          touched.push(`${label} (replaced)`);
          throw new Error(`${label} is private to ${ADAPTER}`);
        },
      });
    }
    const { AlexaVerifier } = require('../src/doors/alexaVerifier') as typeof import('../src/doors/alexaVerifier');
    await expect(verifySigned(AlexaVerifier)).resolves.toBeUndefined();
    await expect(verifySigned(AlexaVerifier, { forged: true })).resolves.toMatchObject({ code: 'SIGNATURE_INVALID', message: 'Not verified as sent by Alexa: request body and signature does not match' });
    expect(touched).toEqual([]);
  });
});

it("leaves ask-sdk-express-adapter as the package made it: its helper's generateCAStore and every class member its own", async () => {
  await jest.isolateModulesAsync(async () => {
    const modules = [ADAPTER, `${ADAPTER}/dist/verifier`, ...PRIVATE_MODULES].map((path) => require(path) as Record<string, unknown>);
    const helper = require(`${ADAPTER}/dist/verifier/helper`) as { generateCAStore: unknown };
    const generateCAStore = helper.generateCAStore;
    const described = () =>
      modules.flatMap((module) => [
        Object.getOwnPropertyDescriptors(module),
        ...Object.values(module)
          .filter((value): value is { prototype?: object } => typeof value === 'function')
          .flatMap((value) => [Object.getOwnPropertyDescriptors(value), Object.getOwnPropertyDescriptors(value.prototype ?? {})]),
      ]);
    const before = described();
    const { AlexaVerifier } = require('../src/doors/alexaVerifier') as typeof import('../src/doors/alexaVerifier');
    const verdict = await verifySigned(AlexaVerifier);
    expect(helper.generateCAStore).toBe(generateCAStore);
    expect(described()).toEqual(before);
    expect(verdict).toBeUndefined();
  });
});
