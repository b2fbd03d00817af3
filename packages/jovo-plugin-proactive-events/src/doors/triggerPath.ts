import type { BaseApp } from 'jovo-framework';
import { JovoError, Log, LogLevel, Logger } from 'jovo-core';
import { hiddenIntentHandlers } from '../handlers';
import { ProactiveEvents } from '../plugin/ProactiveEvents';
import { answerTrigger } from '../plugin/fanOut';
import { alexaTriggerResponse, triggerAnswer } from '../plugin/triggerAnswer';
import type { AdmittedTrigger } from '../trigger/admitted';

/**
 * The functions Jovo v3 runs on the way through its pipeline (and the events it emits) in an app of Jovo's own
 * plugins, its Alexa platform, a database and this plugin: how many of each. An app with more has something of its
 * own (a hook, a plugin) that may want to see a trigger.
 */
const KNOWN_MIDDLEWARE: Readonly<Record<string, number>> = {
  setup: 2, // I18Next's files, Alexa's setup
  request: 1, // this plugin: a trigger loads and saves no user
  'platform.init': 1, // Alexa
  'platform.nlu': 1, // Alexa
  'user.load': 1, // JovoUser
  router: 2, // Jovo's router, and this plugin's this.$proactiveEvents
  handler: 1, // Jovo's handler
  'user.save': 1, // JovoUser
  tts: 1, // Alexa
  'platform.output': 3, // Alexa's response, and this plugin's answer and users' schedules
  response: 1, // Alexa
  fail: 2, // Jovo's ON_ERROR, Alexa's defaultResponseOnFail
  'after.platform.init': 1, // I18Next
  'before.router': 1, // Jovo's handlers for the platform
  'after.response': 1, // Alexa
};
/** BasicLogging's, each logging only when its option is on (see `pipelineReason`). */
const KNOWN_LISTENERS: Readonly<Record<string, number>> = { request: 1, 'after.router': 1, 'after.response': 1 };
const KNOWN_ALEXA_MIDDLEWARE: Readonly<Record<string, number>> = { $init: 1, $request: 1, $session: 1, $type: 15, $nlu: 1, $inputs: 1, $output: 11 };
/** Jovo's own plugins, which every app has; the app's database and the Alexa platform are known by what they are. */
const JOVO_PLUGINS = new Set(['I18Next', 'Router', 'Handler', 'BasicLogging', 'JovoUser']);
/** Handlers Jovo runs before a trigger's hidden intent, or on its failure. */
const GLOBAL_HANDLERS = ['ON_REQUEST', 'NEW_SESSION', 'NEW_USER', 'ON_ERROR'];

/** The parts of Jovo's app and platform objects read here: their middleware and events, by name. */
interface Extensible {
  actionSet?: { middleware: Map<string, { fns: unknown[] }> };
  eventNames(): Array<string | symbol>;
  listenerCount(name: string | symbol): number;
  $plugins: Map<string, unknown>;
  config: { handlers?: Record<string, unknown>; intentMap?: Record<string, unknown>; plugin?: Record<string, { handlers?: object; request?: boolean; response?: boolean } | undefined> };
}

/**
 * What the census of `extensible` found beyond `known`, as `middleware 'response' has 2 functions`; undefined when
 * nothing. It runs at every trigger, so it counts in place, without a copy.
 */
function beyond(what: string, extensible: Extensible, known: Readonly<Record<string, number>>, counting: 'middleware' | 'listeners'): string | undefined {
  const differs = (name: string, count: number) =>
    count !== (known[name] ?? 0) && `${what} '${name}' has ${count} function${count === 1 ? '' : 's'}, where Jovo, Alexa and this plugin register ${known[name] ?? 0}`;
  const seen = new Set<string>();
  if (counting === 'middleware') {
    for (const [name, { fns }] of extensible.actionSet?.middleware ?? []) {
      seen.add(name);
      const problem = differs(name, fns.length);
      if (problem) return problem;
    }
  } else {
    for (const name of extensible.eventNames()) {
      seen.add(String(name));
      const problem = differs(String(name), extensible.listenerCount(name));
      if (problem) return problem;
    }
  }
  // A known one that is gone: the app took something out of the pipeline the plugin knows.
  const missing = Object.keys(known).find((name) => !seen.has(name));
  return missing && (differs(missing, 0) || undefined);
}

/**
 * Why a trigger for `intent`, verified at a door, must go through `app`'s whole Jovo pipeline; undefined when the
 * door may answer it itself, with the answer the pipeline would give. The pipeline adds nothing to a trigger when
 * the app is made of Jovo's own plugins, the Alexa platform with its own, a database and this plugin, with no hook
 * or listener of its own; when the hidden intent's handler is the plugin's and runs alone (no ON_REQUEST,
 * NEW_SESSION, NEW_USER or ON_ERROR, no Alexa-only handlers, no intentMap entry for it); and when Jovo would log
 * nothing of it (no request or response logging, no verbose log level). Anything else, and the pipeline runs.
 */
export function pipelineReason(app: BaseApp, intent: string, { writableFiles }: { writableFiles: boolean }): string | undefined {
  const jovo = app as unknown as Extensible;
  const { handlers = {}, intentMap = {}, plugin: configs = {} } = jovo.config;
  if (handlers[intent] !== hiddenIntentHandlers[intent]) return `the app has its own handler for ${intent}`;
  if (Object.hasOwn(intentMap, intent)) return `the app's intentMap maps ${intent}`;
  const global = GLOBAL_HANDLERS.find((name) => Object.hasOwn(handlers, name));
  if (global) return `the app has a ${global} handler`;
  const alexa = jovo.$plugins.get('Alexa') as Extensible | undefined;
  if (!alexa || app.$platform.size !== 1) return 'the app has another platform than Alexa, or none';
  if (configs.Alexa?.handlers || alexa.config.handlers) return 'the app has Alexa-only handlers';
  const unknown = [...jovo.$plugins].find(([name, plugin]) => !JOVO_PLUGINS.has(name) && plugin !== alexa && plugin !== app.$db && !(plugin instanceof ProactiveEvents));
  if (unknown) return `the app uses the plugin ${unknown[0]}`;
  if (configs.BasicLogging?.request || configs.BasicLogging?.response) return 'Jovo logs each request or response';
  if (Logger.isLogLevel(LogLevel.VERBOSE)) return "Jovo's log level is verbose";
  if ((app.$db as { needsWriteFileAccess?: boolean } | undefined)?.needsWriteFileAccess && !writableFiles) return 'the database needs files this host cannot write (the plugin warns of it)';
  return (
    beyond('middleware', jovo, KNOWN_MIDDLEWARE, 'middleware') ??
    beyond('event', jovo, KNOWN_LISTENERS, 'listeners') ??
    beyond("Alexa's middleware", alexa, KNOWN_ALEXA_MIDDLEWARE, 'middleware') ??
    beyond("Alexa's event", alexa, {}, 'listeners')
  );
}

/**
 * The answer to a trigger that a door verified, made by the plugin as its hidden intent would make it, sent with the
 * same sender, checked and logged the same way, when `app`'s pipeline would add nothing to it (`pipelineReason`):
 * Jovo's request pipeline costs more than the rest of a trigger's work. Undefined when the pipeline must run.
 * A failure is logged as Jovo logs a handler's, and rejects: the door answers 500, as for a failure in Jovo.
 */
export async function answerAtTheDoor(app: BaseApp, admitted: AdmittedTrigger, host: { writableFiles: boolean }): Promise<Record<string, unknown> | undefined> {
  const plugin = app.$plugins.get('ProactiveEvents');
  const { intent, request } = admitted.trigger;
  if (!(plugin instanceof ProactiveEvents) || pipelineReason(app, intent, host) !== undefined) return undefined;
  try {
    const outcome = await answerTrigger({ intent, locale: request.request.locale }, plugin, admitted);
    return alexaTriggerResponse(triggerAnswer(outcome));
  } catch (error) {
    JovoError.printError(error as JovoError);
    Log.red().error(Log.header());
    throw error;
  }
}
