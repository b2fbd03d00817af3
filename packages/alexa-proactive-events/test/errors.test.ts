import { PreviewError, ProactiveEventsError, TokenError, ValidationError, isProactiveEventsError, previewText } from '../src';
import { example } from './helpers/fixtures';

describe('one error base', () => {
  it('puts every error class of the library under ProactiveEventsError, each with its name and code', () => {
    const errors = [
      new ValidationError([{ path: 'event.name', message: 'unknown' }]),
      new TokenError({ code: 'ERR_INVALID_CLIENT', message: 'refused', retryable: false }),
      new PreviewError('no text'),
    ];
    expect(errors.map((error) => [error instanceof ProactiveEventsError, error instanceof Error, error.name, error.code])).toEqual([
      [true, true, 'ValidationError', 'ERR_VALIDATION'],
      [true, true, 'TokenError', 'ERR_INVALID_CLIENT'],
      [true, true, 'PreviewError', 'ERR_PREVIEW_LOCALE'],
    ]);
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
