import { apiError, type Handler } from './exchange';

/** Host names every emulator answers: loopback's. */
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/**
 * Refuses with 403 a request addressed to a host name other than loopback's and `hostnames`: a page whose site
 * name was rebound to 127.0.0.1 sends its own name.
 */
export function hostGuard(hostnames: readonly string[]): Handler {
  const allowed = new Set([...LOOPBACK, ...hostnames].map((name) => name.toLowerCase()));
  return ({ req, res }) => {
    const { host } = req.headers;
    if (host === undefined || allowed.has(hostnameOf(host))) return false;
    apiError(res, 403, `The emulator answers requests addressed to ${[...allowed].join(', ')}, not ${JSON.stringify(host.slice(0, 100))}`);
    return true;
  };
}

/**
 * Refuses with 403 a request from another site's page that could change something: a page on any site can post a
 * form to loopback, and browsers send Origin with it. The emulator's own page sends its own origin (the host guard
 * vouches for the name).
 */
export const originGuard: Handler = ({ req, res }) => {
  const { origin, host } = req.headers;
  if (req.method === 'GET' || req.method === 'HEAD' || origin === undefined || origin === `http://${host}`) return false;
  apiError(res, 403, `Browsers may not use the emulator's API from another site (the request comes from ${JSON.stringify(origin.slice(0, 100))})`);
  return true;
};

/** The host name of a Host header, lower-cased, without its port or an IPv6 address's brackets. */
function hostnameOf(host: string): string {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return name.toLowerCase();
}
