import {
  OptionsError,
  PreviewError,
  ProactiveEventsError,
  ProactiveEventsSender,
  TokenClient,
  TokenError,
  ValidationError,
  isProactiveEventsError,
  previewText,
  subscribedEventNames,
  tokenOrigins,
  type ProactiveEventsErrorCode,
} from '../src';
import { example } from './helpers/fixtures';

describe('one error base', () => {
  it('puts every error class of the library under ProactiveEventsError, each with its name and code', () => {
    const errors = [
      new ValidationError([{ path: 'event.name', message: 'unknown' }]),
      new TokenError({ code: 'ERR_INVALID_CLIENT', message: 'refused', retryable: false }),
      new PreviewError('no text'),
      new OptionsError('TokenClient', [{ path: 'clientId', message: 'required: a string' }]),
    ];
    expect(errors.map((error) => [error instanceof ProactiveEventsError, error instanceof Error, error.name, error.code])).toEqual([
      [true, true, 'ValidationError', 'ERR_VALIDATION'],
      [true, true, 'TokenError', 'ERR_INVALID_CLIENT'],
      [true, true, 'PreviewError', 'ERR_PREVIEW_LOCALE'],
      [true, true, 'OptionsError', 'ERR_INVALID_OPTIONS'],
    ]);
    // Every class's code is one of the exported union's: a new code must be added there to compile.
    const codes: ProactiveEventsErrorCode[] = errors.map((error) => error.code);
    expect(codes).toHaveLength(4);
  });

  it('recognises its errors by a brand, not by class identity, and narrows by code', () => {
    expect(() => previewText(example('weather-alert.json') as never, 'fr-FR')).toThrow(PreviewError);
    const thrown = new ValidationError([]);
    // Another copy of the library (its ESM build beside its CommonJS one) has another class, but the same brand.
    const fromAnotherCopy = Object.assign(Object.create(Error.prototype), { code: 'ERR_VALIDATION', [Symbol.for('alexa-proactive-events.error')]: true });
    expect([isProactiveEventsError(thrown), isProactiveEventsError(thrown, 'ERR_VALIDATION'), isProactiveEventsError(thrown, 'ERR_PREVIEW_LOCALE')]).toEqual([true, true, false]);
    expect(isProactiveEventsError(fromAnotherCopy, 'ERR_VALIDATION')).toBe(true);
    expect([isProactiveEventsError(new Error('plain')), isProactiveEventsError(Object.assign(new Error('x'), { code: 'ERR_VALIDATION' })), isProactiveEventsError(null)]).toEqual([false, false, false]);
  });
});

describe('what a caller can fix is a ProactiveEventsError with a code, and lists its problems as issues', () => {
  const tokens = new TokenClient({ clientId: 'id', clientSecret: 'secret' });

  it('refuses allowedOrigins entries that are no origins, naming each with its index and value', () => {
    const make = () => new ProactiveEventsSender({ tokens, allowedOrigins: ['http://127.0.0.1:3001', 'http://127.0.0.1:3001/v1', 'localhost:3001'] });
    expect(make).toThrow(
      expect.objectContaining({
        name: 'OptionsError',
        code: 'ERR_INVALID_OPTIONS',
        issues: [
          { path: 'allowedOrigins[1]', message: 'expected an origin, scheme://host[:port], e.g. http://127.0.0.1:3001', value: 'http://127.0.0.1:3001/v1' },
          { path: 'allowedOrigins[2]', message: 'expected an origin, scheme://host[:port], e.g. http://127.0.0.1:3001', value: 'localhost:3001' },
        ],
      }),
    );
    expect(make).toThrow(/^ProactiveEventsSender's options are invalid \(2 problems\):\n  - allowedOrigins\[1\]: expected an origin/);
  });

  it('names the option of whoever lists the origins', () => {
    expect(() => tokenOrigins(['ftp://x'], { owner: 'ProactiveEvents', option: 'apiEndpoints' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', issues: [expect.objectContaining({ path: 'apiEndpoints[0]', value: 'ftp://x' })] }),
    );
  });

  it('refuses a subscription body of another shape with a ValidationError', () => {
    expect(() => subscribedEventNames([])).toThrow(ValidationError);
    expect(() => subscribedEventNames([])).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION', issues: [expect.objectContaining({ path: '' })] }));
  });
});
