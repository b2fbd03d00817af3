import type { IncomingHttpHeaders } from 'http';
import type { BaseApp } from 'jovo-framework';
import { OptionsError, type Issue, type Stage } from 'alexa-proactive-events';
import { isTriggerRequest, verifyTrigger, type TriggerAudience, type VerifiedTrigger } from 'alexa-proactive-events/trigger';
import { describeIssue, printable } from 'alexa-proactive-events/internal';
import type { ProactiveEvents } from '../plugin/ProactiveEvents';
import { triggerRefusalReason } from '../hints';
import { localSkillId } from '../trigger/audience';
import { AlexaVerifier, type AlexaVerifierOptions } from './alexaVerifier';
import { MAX_ALEXA_BODY_BYTES, MAX_JSON_DEPTH, MAX_TRIGGER_BYTES, nestedDeeperThan, readEnvelope, tooLarge, type Refusal, type RefusalCode } from './envelope';

/** Who may come in at the plugin's doors (`createWebhook`, `createLambdaHandler`), and what triggers are verified against. */
export interface DoorOptions extends AlexaVerifierOptions {
  /**
   * Where refusals are reported, one line each, never with the body; on Lambda, also each scheduled run's line.
   * @default console.error for refusals (stderr), console.log for runs (stdout)
   */
  log?: (line: string) => void;
  /**
   * The identity triggers must name when `skillId` is not set (Alexa's signatures not checked, on this machine).
   * @default `localSkillId(process.cwd())`: the working folder's, as the trigger script run there computes it
   */
  localSkillId?: string;
  /**
   * TRIGGER_SECRET, which signed triggers are verified with; without one every trigger is refused.
   * @default the `triggerSecret` the app's ProactiveEvents plugin was given (for apps that give it there alone), or
   * undefined: every trigger is refused
   */
  triggerSecret?: string | undefined;
  /**
   * The stage this deployment sends at (PROACTIVE_STAGE): a trigger signed for another stage is refused.
   * @default the `stage` of the app's ProactiveEvents plugin, or 'development' without one
   */
  stage?: Stage;
}

/** A door's options, with what triggers are verified against, settled. */
export interface GateOptions extends Omit<DoorOptions, 'stage'> {
  /** The deployment a trigger must be signed for: the skill (`skillId`, or the local identity) and its stage. */
  audience: TriggerAudience;
}

/**
 * What the doors of `app` verify triggers against: the secret and stage of `options`, for the skill id (or the
 * local identity without one). What `options` leaves out is the app's ProactiveEvents plugin's, as it was given
 * there; given in both places, the two must agree, so that no trigger is verified with a secret or stage that the
 * skill does not have.
 */
export function triggerGate(app: BaseApp, options: Omit<DoorOptions, 'signatures'>): Pick<GateOptions, 'triggerSecret' | 'audience'> {
  const plugin = app.$plugins.get('ProactiveEvents') as ProactiveEvents | undefined;
  const pluginSecret = plugin?.options.triggerSecret;
  const issues: Issue[] = [];
  if (options.triggerSecret !== undefined && pluginSecret !== undefined && options.triggerSecret !== pluginSecret) {
    // Neither secret is shown: the message may be logged.
    issues.push({ path: 'triggerSecret', message: "differs from the ProactiveEvents plugin's triggerSecret: give it once, to the door" });
  }
  if (options.stage !== undefined && plugin && options.stage !== plugin.stage) {
    issues.push({ path: 'stage', message: `differs from the ProactiveEvents plugin's stage ${plugin.stage}: a trigger must be signed for the stage the skill sends at`, value: options.stage });
  }
  if (issues.length > 0) throw new OptionsError("The door (createWebhook, createLambdaHandler)", issues);
  const skillId = options.skillId ?? options.localSkillId ?? localSkillId(process.cwd());
  const stage = options.stage ?? plugin?.stage ?? 'development';
  return { triggerSecret: options.triggerSecret ?? pluginSecret, audience: { skillId, stage } };
}

type Refuse = (status: number, code: RefusalCode, message: string) => Admission;
const refuseWith = (refuse: Refuse, { status, code, message }: Refusal) => refuse(status, code, message);

/**
 * JSON.parse keeps a `"__proto__"` key as a field, but Jovo copies a request onto its own class with
 * Object.assign, which makes that field the request's prototype: no Alexa request or trigger has one.
 */
const PROTO_KEY = '"__proto__"';
const PROTO_MESSAGE = 'The request body has a "__proto__" field, which no Alexa request or trigger has';
/** JSON can spell a key's characters only as themselves or as `\u` escapes (`"\u005f_proto__"`). */
const UNICODE_ESCAPE = '\\u';

/**
 * True when the parsed JSON `value` or anything in it has an own `__proto__` field, however its text spelled the
 * key. A loop, not recursion: a directly invoked event is not bounded in depth as an HTTP body is. JSON has no
 * cycles (Lambda parses an invocation's event from JSON too), so nothing is visited twice.
 */
function hasProtoField(value: unknown): boolean {
  const pending: object[] = value !== null && typeof value === 'object' ? [value] : [];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (Object.hasOwn(next, '__proto__')) return true;
    for (const field of Object.values(next)) if (field !== null && typeof field === 'object') pending.push(field);
  }
  return false;
}

/**
 * A request let in, with the body to hand to Jovo and, for a trigger, the trigger verified (the door makes Jovo's
 * host with it: see `admittedTrigger`); or why not.
 */
export type Admission = { ok: true; body: unknown; trigger?: VerifiedTrigger } | { ok: false; refusal: Refusal };

/**
 * Who may come in, decided before Jovo or any storage sees a request:
 * - the webhook takes Alexa's requests, verified (see AlexaVerifier), and signed triggers;
 * - a Lambda function URL or API Gateway takes signed triggers only: Alexa invokes the function directly;
 * - Alexa's direct invocation of the function is protected by the function's permission, and checked for
 *   `applicationId`.
 * A trigger is verified here, once (`verifyTrigger`: its HMAC before anything else of it is read, then its intent,
 * age and shape), and handed on as the request of its signed parts alone, with the trigger for the door's host; a refusal carries nothing of a body the
 * owner did not sign. A replay is the plugin's to catch: it needs the skill's memory.
 * Every body is bounded in size and nesting first, so that whatever reads it next cannot hang or overflow.
 */
export class Gate {
  readonly #alexa: AlexaVerifier;
  readonly #log: (line: string) => void;

  constructor(private readonly options: GateOptions) {
    if (options.signatures && !options.skillId) {
      throw new OptionsError('Gate', [
        { path: 'skillId', message: "required when Alexa's signatures are checked: a valid signature proves that Alexa sent a request, not that it is for this skill" },
      ]);
    }
    this.#alexa = new AlexaVerifier(options);
    this.#log = options.log ?? ((line) => console.error(line));
  }

  /**
   * An HTTP request with its raw body. `triggersOnly` for a function URL or API Gateway, where every refusal is a
   * 403 (its code says why): the door takes signed triggers and nothing else.
   */
  async admitHttp(raw: Buffer, headers: IncomingHttpHeaders, { triggersOnly = false } = {}): Promise<Admission> {
    const refuse: Refuse = (status, code, message) => this.#refuse(triggersOnly ? 403 : status, code, message);
    // Alexa, relays and the trigger script send no Origin; browsers do, on every POST, cross-site or not.
    if (headers.origin !== undefined) return refuse(403, 'BROWSER_REFUSED', 'Browsers may not post to the skill (the request has an Origin header)');
    if (raw.length > MAX_TRIGGER_BYTES) return refuseWith(refuse, tooLarge(MAX_TRIGGER_BYTES, 'a request'));
    if (nestedDeeperThan(raw, MAX_JSON_DEPTH)) return refuse(400, 'TOO_DEEP', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (raw.includes(PROTO_KEY)) return refuse(400, 'BAD_FIELD', PROTO_MESSAGE);
    const text = raw.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, 'INVALID_JSON', 'The request body is not valid JSON');
    }
    // The bytes above catch the plain spelling at no cost; only a body with an escape is walked for the others.
    if (raw.includes(UNICODE_ESCAPE) && hasProtoField(body)) return refuse(400, 'BAD_FIELD', PROTO_MESSAGE);
    if (isTriggerRequest(body)) return this.#admitTrigger(body, refuse);
    if (triggersOnly) return refuse(403, 'TRIGGERS_ONLY', 'This URL takes signed triggers only; Alexa invokes the function directly');
    if (raw.length > MAX_ALEXA_BODY_BYTES) return refuseWith(refuse, tooLarge(MAX_ALEXA_BODY_BYTES, 'an Alexa request'));
    const envelope = readEnvelope(body);
    if (!envelope.ok) return refuse(400, 'NOT_ALEXA_REQUEST', envelope.problem);
    const refusal = await this.#alexa.verify(text, headers, envelope.envelope);
    return refusal ? refuse(refusal.status, refusal.code, refusal.message) : { ok: true, body };
  }

  /** Alexa's direct invocation of a Lambda function: `applicationId` (no signature: Lambda's permission vouches). */
  admitInvocation(event: unknown): Admission {
    const refuse: Refuse = (status, code, message) => this.#refuse(status, code, message);
    if (hasProtoField(event)) return refuse(400, 'BAD_FIELD', PROTO_MESSAGE);
    if (isTriggerRequest(event)) return this.#admitTrigger(event, refuse);
    const envelope = readEnvelope(event);
    if (!envelope.ok) return refuse(400, 'NOT_ALEXA_REQUEST', envelope.problem);
    const refusal = this.#alexa.checkApplication(envelope.envelope);
    return refusal ? refuse(refusal.status, refusal.code, refusal.message) : { ok: true, body: event };
  }

  #admitTrigger(body: unknown, refuse: Refuse): Admission {
    const verified = verifyTrigger(body, { secret: this.options.triggerSecret, audience: this.options.audience, now: this.options.now });
    if (!verified.ok) {
      const issues = verified.issues?.slice(0, 3).map(describeIssue).join('; ');
      return refuse(403, 'TRIGGER_REFUSED', `Trigger refused: ${triggerRefusalReason(verified, this.options.triggerSecret)}${issues ? `: ${issues}` : ''}`);
    }
    // What Jovo gets is the trigger rebuilt from what the signature covers: no unsigned field of the body (a
    // session's attributes, which Jovo routes by, a user) goes further.
    return { ok: true, body: verified.trigger.request, trigger: verified.trigger };
  }

  #refuse(status: number, code: RefusalCode, message: string): Admission {
    // Messages quote what a sender chose (an applicationId, a certificate URL): one log line each, whatever it holds.
    this.#log(`Refused a request: ${status} ${code}: ${printable(message)}`);
    return { ok: false, refusal: { status, code, message } };
  }
}
