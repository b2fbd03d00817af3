import { z } from 'zod';
import { fromZod, type Issue } from '../issues';
import { isTimeZone } from '../subscriptions';

/** The zone of a device never set: the Alexa app's own default, Pacific time. */
export const DEFAULT_TIME_ZONE = 'America/Los_Angeles';
/** The devices one emulator keeps a zone for at most; a new device past it is refused. */
export const MAX_DEVICES = 10_000;
/** The longest device id the emulator takes (Alexa's are about 200 characters). */
export const MAX_DEVICE_ID_LENGTH = 512;

/** What a device's zone may be set to, and what the body that sets it may be. */
const ALLOWED_ZONE = 'expected an IANA time zone like "Europe/Berlin", or null for none';
const ALLOWED_BODY = 'expected { "timeZone": "Europe/Berlin" }, or { "timeZone": null } for none';

/** What `PUT /settings/<deviceId>` takes: a device's zone, or null for none (the Settings API then answers 204). */
const SettingsSchema = z.strictObject(
  { timeZone: z.string().nullable() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'not allowed: the body has timeZone alone' : undefined) },
);

/** A device's zone as the emulator plays it: an IANA name, or null when the device has none (204). */
export interface DeviceTimeZone {
  /** `context.System.device.deviceId` of the device's requests. */
  deviceId: string;
  /** What the Settings API answers for it: an IANA zone, or null for none (204). */
  timeZone: string | null;
}

/**
 * Each device's `System.timeZone`, as users set it in the Alexa app: a device never set has DEFAULT_TIME_ZONE, one
 * cleared has none.
 */
export class EmulatedTimeZones {
  readonly #zones = new Map<string, string | null>();

  /** The zone the Settings API gives for `deviceId`: null when it has none. */
  get(deviceId: string): string | null {
    const zone = this.#zones.get(deviceId);
    return zone === undefined ? DEFAULT_TIME_ZONE : zone;
  }

  /** The devices set so far, in the order they were first set. */
  list(): DeviceTimeZone[] {
    return [...this.#zones].map(([deviceId, timeZone]) => ({ deviceId, timeZone }));
  }

  /**
   * Reads a change (`{ timeZone }`) for `deviceId`: the device's zone it makes, or what is wrong with it, each
   * issue naming the field, the value and what is allowed.
   */
  read(deviceId: string, body: unknown): { ok: true; device: DeviceTimeZone } | { ok: false; issues: Issue[] } {
    if (deviceId.length === 0 || deviceId.length > MAX_DEVICE_ID_LENGTH) {
      return { ok: false, issues: [{ path: 'deviceId', message: `expected 1 to ${MAX_DEVICE_ID_LENGTH} characters, not ${deviceId.length}` }] };
    }
    if (!this.#zones.has(deviceId) && this.#zones.size >= MAX_DEVICES) {
      return { ok: false, issues: [{ path: 'deviceId', message: `a new device, and the emulator keeps at most ${MAX_DEVICES} devices`, value: deviceId }] };
    }
    const parsed = SettingsSchema.safeParse(body);
    if (!parsed.success) {
      // The two things a body can be wrong about, said as what is allowed rather than as zod's types.
      const said = (issue: Issue): Issue => (issue.path === 'timeZone' ? { ...issue, message: ALLOWED_ZONE } : issue.path === '' ? { ...issue, message: ALLOWED_BODY } : issue);
      return { ok: false, issues: fromZod(parsed.error.issues, body).map(said) };
    }
    const { timeZone } = parsed.data;
    if (timeZone !== null && !isTimeZone(timeZone)) return { ok: false, issues: [{ path: 'timeZone', message: ALLOWED_ZONE, value: timeZone }] };
    return { ok: true, device: { deviceId, timeZone } };
  }

  set({ deviceId, timeZone }: DeviceTimeZone): void {
    this.#zones.set(deviceId, timeZone);
  }
}
