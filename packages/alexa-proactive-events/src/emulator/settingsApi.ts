import type { ServerResponse } from 'http';
import { describeIssue, type Issue } from '../issues';
import { quoted } from '../logSafe';
import { apiError, decodedSegment, json, readBody, route, type Handler } from './exchange';
import { DEFAULT_TIME_ZONE, MAX_DEVICE_ID_LENGTH, type DeviceTimeZone, type EmulatedTimeZones } from './timeZones';

/** Each device's zone, and where a change is written. */
export interface SettingsApiOptions {
  timeZones: EmulatedTimeZones;
  log: (line: string) => void;
}

/** GET /settings: the zone of a device never set, and each device set so far (a null zone: none, answered 204). */
export interface TimeZonesView {
  /** The zone of a device never set (DEFAULT_TIME_ZONE). */
  default: string;
  /** The devices set, in the order they were first set. */
  devices: DeviceTimeZone[];
}

/** Reads and applies a device's zone (`{ timeZone }`), as a user sets it in the Alexa app; or says what is wrong. */
export function changeTimeZone({ timeZones, log }: SettingsApiOptions, deviceId: string, body: unknown): { ok: true; device: DeviceTimeZone } | { ok: false; issues: Issue[] } {
  const read = timeZones.read(deviceId, body);
  if (!read.ok) return read;
  timeZones.set(read.device);
  log(`time zone of ${quoted(deviceId, MAX_DEVICE_ID_LENGTH)}: ${read.device.timeZone ?? 'none'}`);
  return read;
}

/** `GET /v2/devices/<deviceId>/settings/System.timeZone`, the device id percent-encoded. */
const TIME_ZONE_PATH = /^\/v2\/devices\/([^/]+)\/settings\/System\.timeZone\/?$/;
/** `PUT /settings/<deviceId>`. */
const DEVICE_PATH = /^\/settings\/([^/]+)\/?$/;

/**
 * Alexa's Settings API for a device's time zone (`GET /v2/devices/<deviceId>/settings/System.timeZone`: the zone as
 * a JSON string, 204 when the device has none), and the Alexa app's side of it: `GET /settings` (every device set)
 * and `PUT /settings/<deviceId>` (`{ "timeZone": "Europe/Berlin" }`, or null for none).
 * @see https://developer.amazon.com/docs/smapi/alexa-settings-api-reference.html
 */
export function settingsApi(options: SettingsApiOptions): Handler[] {
  const read: Handler = ({ method, path, req, res }) => {
    const encoded = method === 'GET' ? TIME_ZONE_PATH.exec(path)?.[1] : undefined;
    if (encoded === undefined) return false;
    const deviceId = decodedSegment(encoded, 'device id');
    // Any token will do: the emulator cannot check one Alexa made, and what the skill sends it is its request's.
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!token) {
      settingsError(res, 401, 'INVALID_TOKEN', "No access token: send Authorization: Bearer <the request's context.System.apiAccessToken>");
      return true;
    }
    const zone = options.timeZones.get(deviceId);
    if (zone === null) res.writeHead(204).end();
    else json(res, 200, zone);
    return true;
  };
  const list = route('GET', ['/settings'], ({ res }) => {
    const view: TimeZonesView = { default: DEFAULT_TIME_ZONE, devices: options.timeZones.list() };
    json(res, 200, view);
  });
  const change: Handler = async ({ method, path, req, res }) => {
    const encoded = method === 'PUT' ? DEVICE_PATH.exec(path)?.[1] : undefined;
    if (encoded === undefined) return false;
    const deviceId = decodedSegment(encoded, 'device id');
    const result = changeTimeZone(options, deviceId, jsonOrText((await readBody(req, 4 * 1024)).toString('utf8')));
    if (result.ok) json(res, 200, result.device);
    else apiError(res, 400, result.issues.map(describeIssue).join('; '));
    return true;
  };
  return [read, list, change];
}

/** The body parsed, or its text when it is not JSON (the refusal shows it as given); undefined when empty. */
function jsonOrText(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The Settings API's error body: `{ code, message }`, the code one of Amazon's (INVALID_TOKEN, INVALID_KEY, ...). */
function settingsError(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { code, message });
}
