import fc from 'fast-check';
import { validateRequest } from '../src';
import { EXAMPLE_FILES, example } from './helpers/fixtures';
import { sendingSetup } from './helpers/sending';

/**
 * Reliability: hundreds of generated bad inputs. Each gets a clear error (a field path and a message, or a JSON
 * 4xx), nothing is sent, nothing crashes, and the emulator keeps serving.
 */
const RUNS = 200;

/** A valid example with one thing changed: a field removed, replaced by any JSON value, or added. */
const mutatedExample = fc
  .record({
    file: fc.constantFrom(...EXAMPLE_FILES),
    pick: fc.nat(),
    change: fc.oneof(fc.constant({ kind: 'delete' as const }), fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue() }), fc.record({ kind: fc.constant('add' as const), key: fc.string({ minLength: 1, maxLength: 12 }), value: fc.jsonValue() })),
  })
  .map(({ file, pick, change }) => {
    const body = example(file);
    const places: Array<[Record<string, unknown>, string]> = [];
    const walk = (node: unknown) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        places.push([node as Record<string, unknown>, key]);
        walk(child);
      }
    };
    walk(body);
    const [parent, key] = places[pick % places.length];
    if (change.kind === 'delete') delete parent[key];
    else if (change.kind === 'replace') parent[key] = change.value;
    else {
      // A field added to the object there, or beside it; a list is no object to add a field to.
      const inside = typeof parent[key] === 'object' && parent[key] !== null && !Array.isArray(parent[key]);
      (inside ? (parent[key] as Record<string, unknown>) : parent)[change.key] = change.value;
    }
    return body;
  });

/** Every problem (and warning) of a result has a field path and a message saying what is wrong. */
function expectNamed(issues: ReadonlyArray<{ path: unknown; message: string }>): void {
  for (const issue of issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(3);
  }
}

describe('validate', () => {
  it('never throws on any JSON value, and names what is wrong', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validateRequest(value);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.issues.length).toBeGreaterThan(0);
        expectNamed(result.issues);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on a mutated valid event, names every problem, and accepts only what stays valid', () => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(mutatedExample, (body) => {
        const result = validateRequest(body);
        expectNamed(result.warnings);
        if (result.ok) {
          // What it accepts, it accepts as a request of the documented form, which is valid as it stands.
          seen.ok++;
          expect(validateRequest(result.request)).toMatchObject({ ok: true });
        } else {
          seen.refused++;
          expect(result.issues.length).toBeGreaterThan(0);
          expectNamed(result.issues);
        }
      }),
      { numRuns: RUNS * 2 },
    );
    // Both ways were taken: the property did not hold by never being asked.
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});

describe('the sender', () => {
  let setup: Awaited<ReturnType<typeof sendingSetup>>;
  beforeAll(async () => (setup = await sendingSetup()));
  afterAll(() => setup.close());
  const eventRequests = () => setup.emulator.received.filter((request) => request.path.startsWith('/v1/')).length;

  it('sends a mutated event exactly when validation accepts it, and only once', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedExample, fc.uuid(), async (body, referenceId) => {
        const valid = validateRequest({ ...body, referenceId }).ok;
        const before = eventRequests();
        const result = await setup.sender.send({ ...body, referenceId }, setup.target);
        expect(eventRequests() - before).toBe(valid ? 1 : 0);
        expect(result.status).toBe(valid ? 'accepted' : 'rejected');
        if (!valid) expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the emulator under bad input', () => {
  let setup: Awaited<ReturnType<typeof sendingSetup>>;
  beforeAll(async () => (setup = await sendingSetup()));
  afterAll(async () => {
    try {
      // It still answers real work.
      const current = { ...example('weather-alert.json'), timestamp: new Date(setup.clock.now).toISOString(), expiryTime: new Date(setup.clock.now + 3_600_000).toISOString() };
      await expect(setup.sender.send(current, setup.target)).resolves.toMatchObject({ status: 'accepted' });
    } finally {
      await setup.close();
    }
  });

  it('answers any body with 400 and a message, accepting nothing', async () => {
    const token = await setup.tokens.token();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }), mutatedExample.filter((body) => !validateRequest(body).ok).map((body) => JSON.stringify(body))), async (body) => {
        const response = await fetch(`${setup.emulator.url}/v1/proactiveEvents/stages/development`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { message: string }).message.length).toBeGreaterThan(5);
      }),
      { numRuns: RUNS },
    );
    expect(setup.emulator.accepted).toEqual([]);
  });
});
