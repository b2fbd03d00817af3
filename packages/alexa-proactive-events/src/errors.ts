/**
 * Every `code` of the errors this library throws: `ERR_VALIDATION` (an input, `ValidationError`),
 * `ERR_INVALID_OPTIONS` (a constructor's or function's options, `OptionsError`), `ERR_PREVIEW_LOCALE`
 * (`PreviewError`), and why no access token could be had (`TokenError`'s `TokenErrorCode`). The plugin adds its own.
 */
export type ProactiveEventsErrorCode = 'ERR_VALIDATION' | 'ERR_INVALID_OPTIONS' | 'ERR_PREVIEW_LOCALE' | 'ERR_INVALID_CLIENT' | 'ERR_INVALID_SCOPE' | 'ERR_TOKEN_REFUSED' | 'ERR_TOKEN_UNAVAILABLE';

/** Marks this library's errors across copies of it (an ESM and a CommonJS one, or two versions in one app). */
const BRAND = Symbol.for('alexa-proactive-events.error');

/**
 * The base of every error this library throws at a caller, and of the plugin's: `code` says which case it is (a
 * stable string to branch on), `name` which class, `message` what to do. Catch them all with
 * {@link isProactiveEventsError}.
 */
export class ProactiveEventsError<Code extends string = string> extends Error {
  override readonly name: string = 'ProactiveEventsError';
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True for an error of this library or the plugin, whichever copy of the library threw it; a `code` narrows it:
 * `isProactiveEventsError(error, 'ERR_VALIDATION')`.
 */
export function isProactiveEventsError<Code extends string = string>(error: unknown, code?: Code): error is ProactiveEventsError<Code> {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true && (code === undefined || (error as { code?: unknown }).code === code);
}
