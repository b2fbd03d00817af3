import { type SendResult, type TokenErrorCode } from 'alexa-proactive-events';
import { triggerSecretProblem, type TriggerRefusalCode } from 'alexa-proactive-events/trigger';
import { originOf } from 'alexa-proactive-events/internal';

/*
 * The library names its own options (a TokenClient's `clientId`, a sender's `allowedOrigins`, a verifier's
 * `secret`); a project of this plugin sets them as environment variables and in app.json. These say the library's
 * codes in the project's words, where the plugin shows them: at its doors and in its commands.
 */

/** Where a skill's credentials are, and where the project sets them. */
export const PROJECT_CREDENTIALS_HINT =
  "Set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET to the skill's Alexa Skill Messaging client id and secret: developer console, " +
  'your skill, Build > Permissions, at the bottom; or `ask smapi get-skill-credentials -s <skillId>`. ' +
  'Not the credentials of a Login with Amazon security profile.';

/** How the deployed skill comes to publish the events of app.json. */
export const PUBLISH_HINT = 'list the event in app.json, run npm run build:platform, and deploy the skill';

/** A trigger refusal's reason as the door says it: the verifier's `secret` is the skill's TRIGGER_SECRET. */
export function triggerRefusalReason(refusal: { code: TriggerRefusalCode; reason: string }, secret: string | undefined): string {
  if (refusal.code === 'ERR_NO_SECRET') return 'the skill has no TRIGGER_SECRET, so it accepts no trigger';
  if (refusal.code === 'ERR_WEAK_SECRET') return `the skill's TRIGGER_SECRET is ${triggerSecretProblem(secret ?? '')}, so it accepts no trigger`;
  return refusal.reason;
}

/** What to do when Login with Amazon gave no token for these reasons, or undefined when the credentials are not the cause. */
export function credentialsFix(code: TokenErrorCode | undefined): string | undefined {
  if (code === 'ERR_INVALID_CLIENT') return PROJECT_CREDENTIALS_HINT;
  if (code === 'ERR_INVALID_SCOPE') return `${PROJECT_CREDENTIALS_HINT} If they are, the deployed skill publishes no events: ${PUBLISH_HINT}`;
  return undefined;
}

/**
 * Notes for a send result, in the project's words: what a 403 points at (the credentials, the deployed manifest),
 * and which setting holds the sender's allowed origins.
 */
export function resultHints({ status, httpStatus, errors }: Pick<SendResult, 'status' | 'httpStatus' | 'errors'>): string[] {
  const hints: string[] = [];
  if (status === 'rejected' && httpStatus === 403) {
    hints.push(`the skill's credentials are its ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET; to publish an event, ${PUBLISH_HINT}`);
  }
  // An origin the sender does not allow, rather than something that is no origin at all.
  if (errors.some((issue) => issue.path === 'apiEndpoint' && typeof issue.value === 'string' && originOf(issue.value) !== undefined)) {
    hints.push("the skill's allowed origins are its PROACTIVE_API_ENDPOINTS (where it runs)");
  }
  return hints;
}
