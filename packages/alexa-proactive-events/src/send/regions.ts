import { OptionsError, type Issue } from '../issues';

/**
 * Where events go. Amazon runs the Proactive Events API in three regions; a user's region is the host in
 * `context.System.apiEndpoint` of their requests.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
 */
export const REGION_ORIGINS = {
  NA: 'https://api.amazonalexa.com',
  EU: 'https://api.eu.amazonalexa.com',
  FE: 'https://api.fe.amazonalexa.com',
} as const satisfies Record<Region, string>;

/** `NA`, `EU` or `FE`. */
export type Region = 'NA' | 'EU' | 'FE';
/** NA, EU and FE: the regions of Amazon's three hosts. */
export const REGIONS = Object.keys(REGION_ORIGINS) as Region[];

/** `development` reaches only the developer's own test accounts; `live` needs a certified skill. */
export const STAGES = ['development', 'live'] as const satisfies readonly Stage[];
/** `development` or `live`. */
export type Stage = 'development' | 'live';

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && value in REGION_ORIGINS;
}

/** `https://api.amazonalexa.com/v1/proactiveEvents/stages/development`, or without the stage for `live`. */
export function eventsUrl(origin: string, stage: Stage): string {
  return `${origin}/v1/proactiveEvents${stage === 'development' ? '/stages/development' : ''}`;
}

/**
 * The origin (`scheme://host[:port]`) of a URL, or undefined if it is not an http(s) URL. An apiEndpoint is an
 * origin; a path, query or credentials in it are refused rather than silently dropped.
 */
export function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const bare = (parsed.pathname === '/' || parsed.pathname === '') && !parsed.search && !parsed.hash && !parsed.username && !parsed.password;
  return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && bare ? parsed.origin : undefined;
}

/**
 * Origins that may receive the access token: Amazon's three hosts, and the ones the operator lists (a sender's
 * `allowedOrigins`, e.g. the local emulator). Anything else never sees a token. An entry that is no origin is
 * refused with an OptionsError naming it as `option[index]` of `owner`.
 */
export function tokenOrigins(extra: readonly string[] = [], { owner = 'ProactiveEventsSender', option = 'allowedOrigins' } = {}): Set<string> {
  const origins = new Set<string>(Object.values(REGION_ORIGINS));
  const issues: Issue[] = [];
  extra.forEach((url, index) => {
    const origin = typeof url === 'string' ? originOf(url) : undefined;
    if (origin) origins.add(origin);
    else issues.push({ path: `${option}[${index}]`, message: 'expected an origin, scheme://host[:port], e.g. http://127.0.0.1:3001', value: url });
  });
  if (issues.length > 0) throw new OptionsError(owner, issues);
  return origins;
}
