import * as https from 'https';
import { CertificateError } from './certificateError';

/** How a certificate chain (a few kilobytes) is downloaded. */
export interface DownloadLimits {
  /** The whole download, connection included, gives up after this. @default 5000 */
  timeoutMs?: number;
  /** A larger answer is cut off and refused. @default 65536 */
  maxBytes?: number;
  /** The GET to use; tests pass `http.get` to reach a loopback server. @default https.get */
  get?: typeof https.get;
}

/**
 * GETs the certificate chain at `url`: a 200 answer only, no redirect followed, at most `maxBytes` within
 * `timeoutMs`. Throws a CertificateError (`ERR_CERTIFICATE_DOWNLOAD`) naming the URL and what went wrong.
 */
export function downloadCertificate(url: string, { timeoutMs = 5000, maxBytes = 64 * 1024, get = https.get }: DownloadLimits = {}): Promise<string> {
  const failed = (message: string) => new CertificateError('ERR_CERTIFICATE_DOWNLOAD', message);
  const unable = (why: string) => failed(`Unable to load the certificate from ${url}: ${why}`);
  return new Promise((resolve, reject) => {
    const request = get(url, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(unable(`status ${response.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) request.destroy(failed(`The certificate at ${url} is larger than ${maxBytes / 1024} KB`));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', (error) => reject(error instanceof CertificateError ? error : unable(error.message)));
    });
    const deadline = setTimeout(() => request.destroy(failed(`No certificate from ${url} within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on('error', (error) => reject(error instanceof CertificateError ? error : unable(error.message)));
    request.on('close', () => clearTimeout(deadline));
  });
}
