import { ProactiveEventsError } from 'alexa-proactive-events';

/**
 * Why Alexa's signing certificate could not be had: not downloaded (`ERR_CERTIFICATE_DOWNLOAD`), refused by the
 * checks of its chain (`ERR_CERTIFICATE_INVALID`), not tried again so soon after failing
 * (`ERR_CERTIFICATE_FAILED_RECENTLY`), or not downloaded for the budget (`ERR_CERTIFICATE_BUDGET`).
 */
export type CertificateErrorCode = 'ERR_CERTIFICATE_DOWNLOAD' | 'ERR_CERTIFICATE_INVALID' | 'ERR_CERTIFICATE_FAILED_RECENTLY' | 'ERR_CERTIFICATE_BUDGET';

/**
 * Alexa's signing certificate at a URL could not be downloaded or trusted. The verifier turns it into a
 * `SIGNATURE_INVALID` refusal whose message is this one's.
 */
export class CertificateError extends ProactiveEventsError<CertificateErrorCode> {
  override readonly name = 'CertificateError';
}
