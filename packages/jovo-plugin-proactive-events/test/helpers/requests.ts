import { randomUUID } from 'crypto';

/** Raw Alexa requests, shaped as Amazon documents them, for what Jovo's request builder has no sample of. */

/** The skill id of these requests; tests that check applicationId use it as SKILL_ID. */
export const APPLICATION_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000';
export const NA_ENDPOINT = 'https://api.amazonalexa.com';
export const EU_ENDPOINT = 'https://api.eu.amazonalexa.com';
/** `context.System.apiAccessToken` of these requests: it must never show in a log. */
export const API_ACCESS_TOKEN = 'alexa-api-token-not-for-logs';

interface Common {
  userId: string;
  timestamp?: string;
  apiEndpoint?: string;
  locale?: string;
  applicationId?: string;
  /** `context.System.device.deviceId`: a request from a device (the skill then reads its time zone); none by default. */
  deviceId?: string;
}

function envelope({ userId, apiEndpoint = NA_ENDPOINT, applicationId = APPLICATION_ID, deviceId }: Common, request: Record<string, unknown>, session?: object) {
  return {
    version: '1.0',
    ...(session && { session: { ...session, application: { applicationId } } }),
    context: {
      System: {
        application: { applicationId },
        user: { userId },
        ...(deviceId && { device: { deviceId, supportedInterfaces: {} } }),
        apiEndpoint,
        apiAccessToken: API_ACCESS_TOKEN,
      },
    },
    request: { requestId: `amzn1.echo-api.request.${randomUUID()}`, ...request } as Record<string, unknown>,
  };
}

/** `AlexaSkillEvent.ProactiveSubscriptionChanged`: `events` are the ones the user is still subscribed to. */
export function subscriptionChanged(common: Common & { events: string[] }) {
  return envelope(common, {
    type: 'AlexaSkillEvent.ProactiveSubscriptionChanged',
    timestamp: common.timestamp ?? new Date().toISOString(),
    ...(common.locale && { locale: common.locale }),
    body: { subscriptions: common.events.map((eventName) => ({ eventName })) },
  });
}

export function skillEnabled(common: Common) {
  return envelope(common, {
    type: 'AlexaSkillEvent.SkillEnabled',
    timestamp: common.timestamp ?? new Date().toISOString(),
    eventCreationTime: common.timestamp,
    eventPublishingTime: common.timestamp,
    body: { userInformationPersistenceStatus: 'NOT_PERSISTENT' },
  });
}

export function skillDisabled(common: Common) {
  return envelope(common, {
    type: 'AlexaSkillEvent.SkillDisabled',
    timestamp: common.timestamp ?? new Date().toISOString(),
    body: { userInformationPersistenceStatus: 'NOT_PERSISTENT' },
  });
}

export function launchRequest(common: Common) {
  return envelope(
    common,
    { type: 'LaunchRequest', timestamp: common.timestamp ?? new Date().toISOString(), locale: common.locale ?? 'en-US' },
    { new: true, sessionId: `amzn1.echo-api.session.${randomUUID()}`, user: { userId: common.userId } },
  );
}

export function intentRequest(common: Common & { intent: string }) {
  return envelope(
    common,
    {
      type: 'IntentRequest',
      timestamp: common.timestamp ?? new Date().toISOString(),
      locale: common.locale ?? 'en-US',
      intent: { name: common.intent, confirmationStatus: 'NONE', slots: {} },
    },
    { new: true, sessionId: `amzn1.echo-api.session.${randomUUID()}`, user: { userId: common.userId } },
  );
}

/** Alexa's answer to the voice permission request (`AskFor`), in the session that asked. */
export function permissionResponse(common: Common & { status: 'ACCEPTED' | 'DENIED' | 'NOT_ANSWERED'; isCardThrown?: boolean }) {
  return envelope(
    common,
    {
      type: 'Connections.Response',
      timestamp: common.timestamp ?? new Date().toISOString(),
      locale: common.locale ?? 'en-US',
      name: 'AskFor',
      status: { code: '200', message: 'OK' },
      payload: {
        permissionScope: 'alexa::devices:all:notifications:write',
        status: common.status,
        isCardThrown: common.isCardThrown ?? false,
      },
      token: 'notifications',
    },
    { new: false, sessionId: `amzn1.echo-api.session.${randomUUID()}`, user: { userId: common.userId } },
  );
}
