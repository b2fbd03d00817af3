import type { KeyObject } from 'crypto';
import { checkChain, TrustedRoots, type TrustedChain } from './certificateChain';
import { CertificateError } from './certificateError';

/**
 * Alexa signs with one certificate at a time and changes it about once a year: a few downloads at once, and a few
 * a minute, are plenty. A flood of requests naming other files under /echo.api/ cannot make the skill fetch more.
 */
export const MAX_DOWNLOADS_IN_FLIGHT = 4;
export const MAX_DOWNLOADS_PER_MINUTE = 10;
/** Chains kept, least recently used dropped first: Alexa's own, used by every request, stays. */
export const MAX_CACHED_CHAINS = 16;
/** A URL whose chain could not be loaded or trusted is refused without a download for this long. */
export const FAILED_FOR_MS = 60_000;
const MAX_FAILED_URLS = 1024;

/** Where chains come from, what they must end at, and the clock they are checked by. */
export interface SigningCertificatesOptions {
  /** Fetches the PEM chain at a URL that passed `certificateUrl`. */
  download: (url: string) => Promise<string>;
  /** The trusted roots, PEM. */
  roots: readonly string[];
  /** Milliseconds since the epoch. */
  now: () => number;
}

/**
 * Alexa's signing certificates by `SignatureCertChainUrl`: each chain downloaded once, checked (`checkChain`), and
 * its signing key kept until the chain's first certificate expires, then fetched and checked again. Downloads are
 * bounded: one at a time per URL, at most 4 URLs at once and 10 downloads a minute (a request past that is refused,
 * and may be retried); a URL that failed is refused without a download for a minute; 16 chains are kept.
 */
export class SigningCertificates {
  readonly #options: SigningCertificatesOptions;
  readonly #cached = new Map<string, TrustedChain>();
  readonly #loading = new Map<string, Promise<TrustedChain>>();
  /** url -> until when it is refused */
  readonly #failed = new Map<string, number>();
  /** when each download of the last minute started, oldest first */
  readonly #downloads: number[] = [];
  #roots?: TrustedRoots;

  constructor(options: SigningCertificatesOptions) {
    this.#options = options;
  }

  /**
   * The public key of the signing certificate at `url` (as `certificateUrl` normalized it), from a chain that
   * passed every check and is still in date. Throws a CertificateError saying why there is none.
   */
  async signingKey(url: string): Promise<KeyObject> {
    const now = this.#options.now();
    const cached = this.#cached.get(url);
    if (cached && now <= cached.validTo) {
      remember(this.#cached, url, cached, MAX_CACHED_CHAINS); // most recently used last: the cache drops from the front
      return cached.publicKey;
    }
    this.#cached.delete(url);
    if ((this.#failed.get(url) ?? 0) > now) {
      throw new CertificateError('ERR_CERTIFICATE_FAILED_RECENTLY', `the certificate at ${url} failed to load or verify within the last minute`);
    }
    let loading = this.#loading.get(url);
    if (!loading) {
      this.#spendDownload(now);
      loading = this.#load(url).finally(() => this.#loading.delete(url));
      this.#loading.set(url, loading);
    }
    return (await loading).publicKey;
  }

  /** Counts a download against the budget, or throws when none is left (the URL is not held against it). */
  #spendDownload(now: number): void {
    while (this.#downloads.length > 0 && this.#downloads[0] <= now - 60_000) this.#downloads.shift();
    if (this.#loading.size >= MAX_DOWNLOADS_IN_FLIGHT) throw new CertificateError('ERR_CERTIFICATE_BUDGET', 'too many certificate downloads under way; try again');
    if (this.#downloads.length >= MAX_DOWNLOADS_PER_MINUTE) throw new CertificateError('ERR_CERTIFICATE_BUDGET', 'too many certificate downloads in the last minute; try again');
    this.#downloads.push(now);
  }

  async #load(url: string): Promise<TrustedChain> {
    try {
      const pem = await this.#options.download(url);
      // Parsed on the first download, not at start-up: a skill on Lambda never needs the roots.
      this.#roots ??= new TrustedRoots(this.#options.roots);
      const chain = checkChain(pem, url, this.#roots, this.#options.now());
      remember(this.#cached, url, chain, MAX_CACHED_CHAINS);
      return chain;
    } catch (error) {
      remember(this.#failed, url, this.#options.now() + FAILED_FOR_MS, MAX_FAILED_URLS);
      throw error;
    }
  }
}

/** Sets `key` in `map` (kept in insertion order), dropping the oldest entries past `capacity`. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) map.delete(map.keys().next().value as K);
}
