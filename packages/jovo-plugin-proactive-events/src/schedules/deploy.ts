import type { CreateScheduleInput, GetScheduleOutput, SchedulerClient } from '@aws-sdk/client-scheduler';
import { USER_TIME_ZONE, type Schedule } from './declaration';
import type { UserSchedulerOptions } from './target';
import { awsExpression, userTimeTicks } from './times';

/**
 * `schedules deploy`: makes one EventBridge Scheduler group hold exactly app.json's schedules, each invoking the
 * skill's function directly with `{ proactiveEventsSchedule: { name, scheduledTime } }`. What is new is created, what
 * changed is updated, what app.json no longer names is deleted; nothing else in the account is touched, nor the
 * schedules users set up in the same group (`u.<hash>.<name>`, which the skill itself keeps).
 */

/** A user's own schedule (`this.$proactiveEvents.schedule`): its name has a dot, which no app.json name has. */
export function isUsersSchedule(name: string): boolean {
  return name.includes('.');
}

/** The ARNs a deployment names: the function (its region is group 1), the role Scheduler assumes, a dead-letter queue. */
export const DEPLOY_ARNS = {
  function: /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/,
  role: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
  queue: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/,
};

/** A schedule group's name, as EventBridge Scheduler takes it. */
export const GROUP_NAME = /^[0-9a-zA-Z._-]{1,64}$/;

/** Where the schedules invoke, with what, and how a failed invocation is retried. */
export type DeployTarget = Omit<UserSchedulerOptions, 'client'>;

/** One call the deployment makes, with the exact input it sends. */
export type DeployCall =
  | { action: 'CreateScheduleGroup'; input: { Name: string } }
  | { action: 'CreateSchedule' | 'UpdateSchedule'; input: CreateScheduleInput }
  | { action: 'DeleteSchedule'; input: { Name: string; GroupName: string } };

/** What the group holds: each schedule's definition by name, or undefined when the group does not exist. */
export type Deployed = Map<string, GetScheduleOutput> | undefined;

/** The input EventBridge Scheduler gets for a schedule: the expression in AWS's form, its zone, the target. */
export function scheduleInput(schedule: Schedule, target: DeployTarget): CreateScheduleInput {
  return targetInput(schedule, target, {
    name: schedule.name,
    description: `app.json schedule ${schedule.name} (jovo-plugin-proactive-events)`,
    // Only the name and the time: the function reads the schedule from its own app.json.
    invocation: { name: schedule.name },
  });
}

/** A schedule's input for EventBridge Scheduler under `name`, invoking the function with `invocation` and its time. */
export function targetInput(
  schedule: Pick<Schedule, 'cron' | 'at' | 'timezone'>,
  target: DeployTarget,
  { name, description, invocation, extra = {} }: { name: string; description: string; invocation: Record<string, string>; extra?: Partial<CreateScheduleInput> },
): CreateScheduleInput {
  // At each user's own time: ticks in UTC, a one-off's only while its local time occurs somewhere.
  const userTime = schedule.timezone === USER_TIME_ZONE ? userTimeTicks(schedule) : undefined;
  return {
    Name: name,
    GroupName: target.group,
    ScheduleExpression: awsExpression(schedule),
    ScheduleExpressionTimezone: userTime ? 'UTC' : schedule.timezone,
    ...(userTime?.startAt && { StartDate: userTime.startAt, EndDate: userTime.stopAt }),
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: 'ENABLED',
    ...extra,
    Description: description,
    Target: {
      Arn: target.functionArn,
      RoleArn: target.roleArn,
      Input: JSON.stringify({ proactiveEventsSchedule: { ...invocation, scheduledTime: '<aws.scheduler.scheduled-time>' } }),
      RetryPolicy: { MaximumRetryAttempts: target.maximumRetryAttempts ?? 3, MaximumEventAgeInSeconds: target.maximumEventAgeInSeconds ?? 3600 },
      ...(target.deadLetterArn && { DeadLetterConfig: { Arn: target.deadLetterArn } }),
    },
  };
}

/** The calls that make the group match `schedules`, in order: the group, creations, updates, deletions. */
export function planDeployment(schedules: readonly Schedule[], deployed: Deployed, target: DeployTarget): DeployCall[] {
  const calls: DeployCall[] = [];
  if (!deployed) calls.push({ action: 'CreateScheduleGroup', input: { Name: target.group } });
  const wanted = schedules.map((schedule) => scheduleInput(schedule, target));
  for (const input of wanted) {
    const held = deployed?.get(input.Name!);
    if (!held) calls.push({ action: 'CreateSchedule', input });
    else if (differs(input, held)) calls.push({ action: 'UpdateSchedule', input });
  }
  for (const name of deployed?.keys() ?? []) {
    if (isUsersSchedule(name)) continue;
    if (!schedules.some((schedule) => schedule.name === name)) calls.push({ action: 'DeleteSchedule', input: { Name: name, GroupName: target.group } });
  }
  return calls;
}

/** True when what the account holds is not what app.json asks for, in any field the deployment sets. */
function differs(wanted: CreateScheduleInput, held: GetScheduleOutput): boolean {
  const fields = (input: CreateScheduleInput | GetScheduleOutput) =>
    JSON.stringify([
      input.ScheduleExpression,
      input.ScheduleExpressionTimezone,
      input.StartDate && new Date(input.StartDate).toISOString(),
      input.EndDate && new Date(input.EndDate).toISOString(),
      input.State,
      input.FlexibleTimeWindow?.Mode,
      input.Description,
      input.Target?.Arn,
      input.Target?.RoleArn,
      input.Target?.Input,
      input.Target?.RetryPolicy?.MaximumRetryAttempts,
      input.Target?.RetryPolicy?.MaximumEventAgeInSeconds,
      input.Target?.DeadLetterConfig?.Arn,
    ]);
  return fields(wanted) !== fields(held);
}

/** Reads the group's schedules of app.json (every page; users' own are not app.json's to compare), or undefined when the group does not exist. */
export async function readDeployed(client: SchedulerClient, group: string): Promise<Deployed> {
  const { GetScheduleCommand, GetScheduleGroupCommand, ListSchedulesCommand } = await import('@aws-sdk/client-scheduler');
  try {
    await client.send(new GetScheduleGroupCommand({ Name: group }));
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListSchedulesCommand({ GroupName: group, NextToken }));
    names.push(...(page.Schedules ?? []).map((schedule) => schedule.Name!).filter((name) => !isUsersSchedule(name)));
    NextToken = page.NextToken;
  } while (NextToken);
  const deployed = new Map<string, GetScheduleOutput>();
  for (const name of names) deployed.set(name, await client.send(new GetScheduleCommand({ Name: name, GroupName: group })));
  return deployed;
}

/** Makes the calls, one at a time, in order; the first that fails stops the rest (run again to finish). */
export async function applyDeployment(client: SchedulerClient, calls: readonly DeployCall[]): Promise<void> {
  const { CreateScheduleCommand, CreateScheduleGroupCommand, DeleteScheduleCommand, UpdateScheduleCommand } = await import('@aws-sdk/client-scheduler');
  for (const call of calls) {
    if (call.action === 'CreateScheduleGroup') await client.send(new CreateScheduleGroupCommand(call.input));
    else if (call.action === 'CreateSchedule') await client.send(new CreateScheduleCommand(call.input));
    else if (call.action === 'UpdateSchedule') await client.send(new UpdateScheduleCommand(call.input));
    else await client.send(new DeleteScheduleCommand(call.input));
  }
}
