import { Log } from 'jovo-core';
import type { SubscriberChange, SubscriberState } from 'alexa-proactive-events';
import { getJson, isTimeZone, originOf, printable, quoted, type JsonResponse } from 'alexa-proactive-events/internal';

/** How long a zone read is trusted: a user whose device moved to another zone has the new one a day later. */
export const TIME_ZONE_MAX_AGE_MS = 24 * 3_600_000;
/** How long a request waits for Alexa's Settings API, at most, before it goes on without the zone. */
export const DEFAULT_TIME_ZONE_TIMEOUT_MS = 1000;

/** What a zone read needs of a request's `context.System`: where to ask, with what token, about which device. */
export interface DeviceContext {
  apiEndpoint: string;
  apiAccessToken: string;
  deviceId: string;
}

/** How a zone is read: from which origins, how long to wait, and when it is now. */
export interface TimeZoneReading {
  /** The origins the request's token may go to: Amazon's hosts and the allowed ones (`apiEndpoints`). */
  origins: ReadonlySet<string>;
  timeoutMs: number;
  now: () => number;
}

/**
 * The device, access token and API host of a request's `context.System`, when it has all three: skill events,
 * triggers and scheduled runs have no device, and then there is nothing to read.
 */
export function deviceContext(system: { apiEndpoint?: unknown; apiAccessToken?: unknown; device?: { deviceId?: unknown } } | undefined): DeviceContext | undefined {
  const { apiEndpoint, apiAccessToken } = system ?? {};
  const deviceId = system?.device?.deviceId;
  const given = (value: unknown): value is string => typeof value === 'string' && value !== '';
  return given(apiEndpoint) && given(apiAccessToken) && given(deviceId) ? { apiEndpoint, apiAccessToken, deviceId } : undefined;
}

/**
 * True when the user's zone is to be read: never read, read at least a day ago, or stamped later than the clock
 * (a clock set back must not keep a zone from being read for as long).
 */
export function timeZoneDue(state: SubscriberState | undefined, now: number): boolean {
  const age = now - Date.parse(state?.timeZoneReadAt ?? '');
  return !(age >= 0 && age < TIME_ZONE_MAX_AGE_MS);
}

/**
 * Reads the device's time zone from Alexa's Settings API (`GET {apiEndpoint}/v2/devices/{deviceId}/settings/System.timeZone`),
 * the request's token sent only to an allowed origin: the change to apply (no zone when Amazon answers 204), or
 * undefined, with one warning, when it could not be read. What the request answers never waits on it longer than
 * `timeoutMs`.
 * @see https://developer.amazon.com/docs/smapi/alexa-settings-api-reference.html
 */
export async function readTimeZone(device: DeviceContext, { origins, timeoutMs, now }: TimeZoneReading): Promise<SubscriberChange | undefined> {
  const origin = originOf(device.apiEndpoint);
  // The request's own apiEndpoint, which admitChange already warns of when it is no allowed origin.
  if (!origin || !origins.has(origin)) return undefined;
  const url = `${origin}/v2/devices/${encodeURIComponent(device.deviceId)}/settings/System.timeZone`;
  let response: JsonResponse;
  try {
    response = await getJson(url, { headers: { authorization: `Bearer ${device.apiAccessToken}` }, timeoutMs });
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return notRead(origin, typeof code === 'string' ? `${code}${code === 'ETIMEDOUT' ? ` (${String(message)})` : ''}` : String(message));
  }
  const readAt = new Date(now()).toISOString();
  if (response.status === 204) return { kind: 'timeZone', readAt };
  if (response.status !== 200) return notRead(origin, `HTTP ${response.status}${errorCode(response.data)}`);
  const zone = zoneOf(response.data);
  if (zone === undefined) return notRead(origin, `the answer is no time zone: ${showAnswer(response.data, device.apiAccessToken)}`);
  return { kind: 'timeZone', timeZone: zone, readAt };
}

/** The zone of a 200: a JSON string (`"Europe/Berlin"`), parsed or, under another content type, as text. */
function zoneOf(data: unknown): string | undefined {
  if (typeof data !== 'string') return undefined;
  let zone = data;
  if (data.startsWith('"')) {
    try {
      zone = JSON.parse(data) as string;
    } catch {
      return undefined;
    }
  }
  return typeof zone === 'string' && isTimeZone(zone) ? zone : undefined;
}

/** Amazon's error code (`{ code, message }`), the only part of an error body written: the message is Amazon's prose. */
function errorCode(data: unknown): string {
  const code = (data as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? ` ${quoted(code, 40)}` : '';
}

/** The start of an answer, for the warning; a token it echoes is left out. */
function showAnswer(data: unknown, token: string): string {
  const text = typeof data === 'string' ? data : (JSON.stringify(data) ?? String(data));
  return quoted(text.split(token).join('<the access token>'), 60);
}

/** Warns, on one line and never with the token, that the zone stays as it was, and why. */
function notRead(origin: string, why: string): undefined {
  Log.warn(printable(`ProactiveEvents: the time zone of this user's device was not read from ${origin} (${why}); nothing stored, it is read again at their next request`));
  return undefined;
}
