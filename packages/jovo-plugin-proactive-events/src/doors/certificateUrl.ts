/**
 * The `SignatureCertChainUrl` header as Amazon allows it, normalized so that one S3 object has one URL, the key of
 * the certificate cache (WHATWG URLs lower-case the host, drop a default port and resolve `..` and `%2e%2e`
 * segments; escapes of unreserved characters are decoded, and a query or fragment, which Amazon's URLs never have,
 * is dropped): https, host s3.amazonaws.com, port 443 if given, a path under /echo.api/, no user info.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html#cert-verify-signature-certificate-url
 */
export function certificateUrl(header: string | string[] | undefined): { url: string } | { problem: string } {
  if (typeof header !== 'string' || header === '') return { problem: 'the SignatureCertChainUrl header is missing' };
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return { problem: 'SignatureCertChainUrl is not a URL' };
  }
  if (url.protocol !== 'https:') return { problem: `SignatureCertChainUrl must use https, not ${url.protocol.slice(0, -1).slice(0, 20)}` };
  if (url.hostname !== 's3.amazonaws.com') return { problem: `SignatureCertChainUrl must be on s3.amazonaws.com, not ${url.hostname.slice(0, 100)}` };
  if (url.port !== '') return { problem: `SignatureCertChainUrl must use port 443, not ${url.port}` };
  if (url.username || url.password) return { problem: 'SignatureCertChainUrl must not carry a user name or password' };
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return /^[A-Za-z0-9._~-]$/.test(character) ? character : escape.toUpperCase();
  });
  if (!path.startsWith('/echo.api/')) return { problem: `SignatureCertChainUrl must have a path under /echo.api/, not ${path.slice(0, 100)}` };
  return { url: `https://s3.amazonaws.com${path}` };
}
