import { type Command, Option } from 'commander';
import { type Issue } from 'alexa-proactive-events';
import { EVENT_DEFINITIONS, eventFromInputs, formatPath, isOptionalInput, type AnyEventDefinition, type EventInputs } from 'alexa-proactive-events/internal';
import { EXIT, Exit, type Io } from 'alexa-proactive-events/cli';
import { addSendOptions, sendPlan, type SendCliOptions } from './sendOptions';
import { sendTriggers } from './sendTriggers';

/**
 * One command per event (`weather`, `order`, ...), each with a flag per payload field: builds the event, signs a
 * trigger for its hidden intent and posts it to the skill's webhook.
 */
export function eventCommands(program: Command, io: Io): Command[] {
  return EVENT_DEFINITIONS.map((definition) => eventCommand(program, io, definition));
}

function eventCommand(program: Command, io: Io, definition: AnyEventDefinition): Command {
  const command = program.command(definition.command).description(`send ${definition.name} through the skill's hidden intent`);
  for (const input of definition.inputs) {
    const allowed = input.values ? ` (${input.kind === 'list' ? 'comma-separated: ' : ''}${input.values.join(', ')})` : '';
    const kind = input.kind === 'date-time' ? ' (ISO 8601, e.g. 2026-12-01T12:00:00Z)' : input.kind === 'integer' ? ' (a whole number)' : '';
    const optional = isOptionalInput(definition, input) ? ' (optional)' : '';
    command.addOption(new Option(`--${input.flag} <${input.kind === 'integer' ? 'n' : 'value'}>`, `${input.description}${allowed}${kind}${optional}`));
  }
  addSendOptions(command);
  const example = Object.entries(definition.example)
    .map(([flag, value]) => `--${flag} ${/^[\w:.,-]+$/.test(value ?? '') ? value : JSON.stringify(value)}`)
    .join(' ');
  command.addHelpText(
    'after',
    `\nExamples:\n  npx proactive-events ${definition.command} ${example}\n` +
      `  npx proactive-events ${definition.command} ${example} --user amzn1.ask.account.XYZ --region EU\n`,
  );
  return command.action(async (options: SendCliOptions & EventInputs) => {
    const plan = sendPlan(options, io);
    const inputs = Object.fromEntries(definition.inputs.map((input) => [input.flag, options[camelCase(input.flag)]]));
    const built = eventFromInputs(definition.name, inputs, plan.locales);
    const status = await sendTriggers(built, plan, io, byFlag(definition), EXIT.usage);
    if (status !== EXIT.ok) throw new Exit(status);
  });
}

/**
 * Names a problem by the flag that filled its field: `event.payload.weatherAlert.alertType` is `--alert-type`, and
 * so is the `source` of a localizedAttributes entry when `--source` filled it.
 */
function byFlag(definition: AnyEventDefinition): (issue: Issue) => Issue {
  const fields = definition.inputs.map((input) => ({
    path: formatPath(['event', 'payload', ...input.path]),
    flag: `--${input.flag}`,
    key: input.localizedKey,
    optional: isOptionalInput(definition, input),
  }));
  return (issue) => {
    const field = fields.find(({ path }) => issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`));
    if (field) return { ...issue, path: field.flag + issue.path.slice(field.path.length) };
    const localized = /^localizedAttributes\[\d+\]\.(.+)$/.exec(issue.path);
    const filled = localized && fields.find(({ key }) => key === localized[1]);
    if (filled) return { ...issue, path: filled.flag };
    // A missing object (`event.payload.state`) is missing because none of the flags under it was given.
    const under = fields.filter(({ path }) => path.startsWith(`${issue.path}.`));
    const needed = under.some(({ optional }) => !optional) ? under.filter(({ optional }) => !optional) : under;
    if (needed.length > 0 && issue.value === undefined) return { path: needed.map(({ flag }) => flag).join(', '), message: 'required' };
    return issue;
  };
}

/** commander's attribute name for a flag: `alert-type` -> `alertType`. */
function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
