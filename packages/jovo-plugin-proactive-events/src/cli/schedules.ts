import * as fs from 'fs';
import * as path from 'path';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT, Exit, type Io } from 'alexa-proactive-events/cli';
import { SettingsError, findProjectRoot } from '../config/project';
import { regionsOf, type Schedule } from '../schedules/declaration';
import { DEPLOY_ARNS, GROUP_NAME, applyDeployment, planDeployment, readDeployed, scheduleInput, type DeployCall, type DeployTarget } from '../schedules/deploy';
import { awsExpression, nextRuns } from '../schedules/times';
import { commandSettings } from './sendOptions';

/** The command line's access to EventBridge Scheduler; tests pass their own client. */
export interface SchedulerAccess {
  scheduler?: (region: string) => SchedulerClient;
}


/** `schedules list` and `schedules deploy`: app.json's schedules, their next runs, and EventBridge Scheduler's copy. */
export function schedulesCommand(program: Command, io: Io & SchedulerAccess): Command {
  const schedules = program.command('schedules').description("app.json's schedules: their next runs, and deploying them to EventBridge Scheduler");
  schedules
    .command('list')
    .description('print each schedule of app.json with its next three runs (computed here) and, with --deployed, what the account holds')
    .option('--deployed', "also read the schedule group of the account (AWS_REGION and the AWS SDK's credentials) and say how it differs")
    .addOption(groupOption())
    .option('--json', 'print one JSON object')
    .action(async (options: { deployed?: boolean; group?: string; json?: boolean }) => {
      const status = await list(options, io);
      if (status !== EXIT.ok) throw new Exit(status);
    });
  schedules
    .command('deploy')
    .description("make the account's schedule group match app.json: create what is new, update what changed, delete what app.json no longer names")
    .requiredOption('--function-arn <arn>', "the skill's Lambda function, which the schedules invoke directly", arn('function'))
    .requiredOption('--role-arn <arn>', 'the role EventBridge Scheduler assumes to invoke it (docs/schedules.md)', arn('role'))
    .addOption(groupOption())
    .addOption(new Option('--dead-letter-arn <arn>', 'an SQS queue for invocations that failed every retry').argParser(arn('queue')))
    .option('--dry-run', 'read the account and print the calls it would make, making none')
    .option('--json', 'print the calls as JSON')
    .addHelpText('after', '\nExample:\n  npx proactive-events schedules deploy --function-arn arn:aws:lambda:us-east-1:123456789012:function:skill \\\n    --role-arn arn:aws:iam::123456789012:role/skill-scheduler --dry-run\n')
    .action(async (options: { functionArn: string; roleArn: string; group?: string; deadLetterArn?: string; dryRun?: boolean; json?: boolean }) => {
      const status = await deploy(options, io);
      if (status !== EXIT.ok) throw new Exit(status);
    });
  return schedules;
}

function groupOption(): Option {
  return new Option('--group <name>', "the schedule group (default: the project's package name)").argParser((value: string) => {
    if (!GROUP_NAME.test(value)) throw new InvalidArgumentError(`expected 1 to 64 of 0-9 a-z A-Z . _ -, not ${JSON.stringify(value)}`);
    return value;
  });
}

function arn(kind: keyof typeof DEPLOY_ARNS): (value: string) => string {
  const example = { function: 'arn:aws:lambda:us-east-1:123456789012:function:skill', role: 'arn:aws:iam::123456789012:role/skill-scheduler', queue: 'arn:aws:sqs:us-east-1:123456789012:skill-dlq' }[kind];
  return (value) => {
    if (!DEPLOY_ARNS[kind].test(value)) throw new InvalidArgumentError(`expected a ${kind === 'queue' ? 'SQS queue' : kind === 'role' ? 'IAM role' : 'Lambda function'} ARN like ${example}, not ${JSON.stringify(value)}`);
    return value;
  };
}

/** app.json's schedules (from the project's settings) and the project's default group, or a usage error. */
function project(io: Io): { schedules: Schedule[]; group: string } | undefined {
  const root = findProjectRoot(io.cwd);
  if (!root) {
    io.err('✗ no app.json here or above: run it in the project\n');
    return undefined;
  }
  try {
    return { schedules: commandSettings(io).app?.schedules ?? [], group: defaultGroup(root) };
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.err(`✗ ${error.message}\n`);
    return undefined;
  }
}

/** The project's package name as a group name: `jovo-proactive-events`, or `@scope/name` as `scope-name`. */
function defaultGroup(root: string): string {
  try {
    const { name } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof name === 'string') return name.replace(/^@/, '').replace(/[^0-9a-zA-Z._-]/g, '-').slice(0, 64);
  } catch {
    // no package.json: the fallback below
  }
  return 'proactive-events';
}

async function list(options: { deployed?: boolean; group?: string; json?: boolean }, io: Io & SchedulerAccess): Promise<number> {
  const found = project(io);
  if (!found) return EXIT.usage;
  const group = options.group ?? found.group;
  const now = new Date(io.now?.() ?? Date.now());
  const rows = found.schedules.map((schedule) => {
    // At each user's own time, the next runs shown are those of a subscriber in the default zone.
    const shown = schedule.defaultTimezone ?? schedule.timezone;
    return {
      name: schedule.name,
      when: schedule.cron ?? `at ${schedule.at}`,
      timezone: schedule.defaultTimezone ? `${schedule.timezone} (default ${schedule.defaultTimezone})` : schedule.timezone,
      aws: awsExpression(schedule),
      event: schedule.event.name,
      to: typeof schedule.to === 'object' ? `${schedule.to.users.length} user${schedule.to.users.length === 1 ? '' : 's'}` : schedule.to === 'all' ? `all (${regionsOf(schedule).join(', ')})` : 'subscribers',
      shownZone: shown,
      next: nextRuns({ ...schedule, timezone: shown }, now, 3).map((date) => date.toISOString()),
    };
  });
  let differences: string[] | undefined;
  if (options.deployed) {
    const region = io.env?.AWS_REGION ?? process.env.AWS_REGION;
    if (!region) {
      io.err('✗ --deployed reads the account in AWS_REGION: set it (and the AWS SDK credentials)\n');
      return EXIT.usage;
    }
    try {
      differences = compare(found.schedules, await readDeployed(client(io, region), group), group);
    } catch (error) {
      io.err(`✗ cannot read the schedule group ${group} in ${region}: ${awsMessage(error)}\n`);
      return EXIT.failed;
    }
  }
  if (options.json) {
    io.out(`${JSON.stringify({ group, schedules: rows, ...(differences && { differences }) })}\n`);
    return EXIT.ok;
  }
  if (rows.length === 0) io.out('No schedules in app.json ("schedules": docs/schedules.md).\n');
  for (const row of rows) {
    io.out(`${row.name}: ${row.when} ${row.timezone} (${row.aws}), ${row.event} to ${row.to}\n`);
    io.out(row.next.length > 0 ? row.next.map((at) => `  next ${localTime(at, row.shownZone)} ${row.shownZone} (${at})\n`).join('') : '  no run ahead: its time has passed\n');
  }
  if (differences) {
    io.out(differences.length === 0 ? `The group ${group} holds exactly these.\n` : `The group ${group} differs (schedules deploy makes it match):\n${differences.map((line) => `  ${line}\n`).join('')}`);
  }
  return EXIT.ok;
}

/** What the account holds that app.json does not say, schedule by schedule (the expression, zone and input). */
function compare(schedules: readonly Schedule[], deployed: Awaited<ReturnType<typeof readDeployed>>, group: string): string[] {
  if (!deployed) return [`the group ${group} does not exist`];
  const lines: string[] = [];
  for (const schedule of schedules) {
    const held = deployed.get(schedule.name);
    const wanted = scheduleInput(schedule, { functionArn: '', roleArn: '', group });
    if (!held) lines.push(`${schedule.name}: not deployed`);
    else if (held.ScheduleExpression !== wanted.ScheduleExpression || held.ScheduleExpressionTimezone !== wanted.ScheduleExpressionTimezone || held.Target?.Input !== wanted.Target!.Input) {
      lines.push(`${schedule.name}: deployed as ${held.ScheduleExpression} ${held.ScheduleExpressionTimezone}, app.json says ${wanted.ScheduleExpression} ${wanted.ScheduleExpressionTimezone}`);
    }
  }
  for (const name of deployed.keys()) if (!schedules.some((schedule) => schedule.name === name)) lines.push(`${name}: in the account, not in app.json`);
  return lines;
}

async function deploy(
  options: { functionArn: string; roleArn: string; group?: string; deadLetterArn?: string; dryRun?: boolean; json?: boolean },
  io: Io & SchedulerAccess,
): Promise<number> {
  const found = project(io);
  if (!found) return EXIT.usage;
  const target: DeployTarget = { functionArn: options.functionArn, roleArn: options.roleArn, group: options.group ?? found.group, deadLetterArn: options.deadLetterArn };
  // The schedules live beside the function they invoke: its region.
  const region = DEPLOY_ARNS.function.exec(options.functionArn)![1];
  const scheduler = client(io, region);
  let calls: DeployCall[];
  try {
    calls = planDeployment(found.schedules, await readDeployed(scheduler, target.group), target);
  } catch (error) {
    io.err(`✗ cannot read the schedule group ${target.group} in ${region}: ${awsMessage(error)}\n`);
    return EXIT.failed;
  }
  if (options.json) io.out(`${JSON.stringify({ group: target.group, region, dryRun: options.dryRun ?? false, calls })}\n`);
  else if (calls.length === 0) io.out(`✓ the group ${target.group} in ${region} already holds app.json's ${found.schedules.length} schedule(s)\n`);
  else for (const call of calls) io.out(`${options.dryRun ? 'would call' : 'calls'} ${call.action} ${JSON.stringify(call.input)}\n`);
  if (options.dryRun || calls.length === 0) return EXIT.ok;
  try {
    await applyDeployment(scheduler, calls);
  } catch (error) {
    io.err(`✗ the deployment stopped: ${awsMessage(error)}; run it again once that is fixed (it picks up where it stopped)\n`);
    return EXIT.failed;
  }
  if (!options.json) io.out(`✓ the group ${target.group} in ${region} holds app.json's ${found.schedules.length} schedule(s)\n`);
  return EXIT.ok;
}

function client(io: SchedulerAccess, region: string): SchedulerClient {
  if (io.scheduler) return io.scheduler(region);
  const { SchedulerClient: Client } = require('@aws-sdk/client-scheduler') as typeof import('@aws-sdk/client-scheduler');
  return new Client({ region });
}

/** The AWS error's name and message (AccessDeniedException: …), never a credential. */
function awsMessage(error: unknown): string {
  const { name, message } = error as Error;
  return name && name !== 'Error' ? `${name}: ${message}` : message;
}

/** `2026-12-08T17:00:00.000Z` in Europe/Berlin: `2026-12-08 18:00`. */
function localTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString('sv-SE', { timeZone, hour12: false }).slice(0, 16);
}
