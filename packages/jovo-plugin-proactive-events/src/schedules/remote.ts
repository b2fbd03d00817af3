import type { CreateScheduleInput, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { UserSchedule } from './declaration';
import { targetInput, type DeployTarget } from './deploy';
import type { UserSchedulerOptions } from './target';
import { userScheduleKey } from './users';

/**
 * Users' own schedules on AWS: each one a schedule of the skill's group in EventBridge Scheduler, named
 * `u.<hash of the user>.<name>` (no app.json name has a dot, so `schedules deploy` leaves these alone), invoking the
 * function with `{ proactiveEventsSchedule: { name, user, scheduledTime } }`. The function reads the schedule from
 * the user's stored data, never from the invocation.
 */

/** Keeps users' schedules in the group; every call waits for Scheduler's answer and throws what it refused. */
export class RemoteUserSchedules {
  #client?: SchedulerClient;

  constructor(private readonly options: UserSchedulerOptions) {}

  /** Creates the user's schedule, or replaces the one of that name. */
  async put(user: string, schedule: UserSchedule): Promise<void> {
    const { CreateScheduleCommand, UpdateScheduleCommand } = scheduler();
    const input = userScheduleInput(user, schedule, this.options);
    try {
      await this.#send(new CreateScheduleCommand(input));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConflictException') throw error;
      await this.#send(new UpdateScheduleCommand(input));
    }
  }

  /** Deletes the user's schedule of that name; one that is not there counts as deleted. */
  async delete(user: string, name: string): Promise<void> {
    const { DeleteScheduleCommand } = scheduler();
    try {
      await this.#send(new DeleteScheduleCommand({ Name: userScheduleKey(user, name), GroupName: this.options.group }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    }
  }

  #send(command: object): Promise<unknown> {
    if (!this.#client) {
      const { SchedulerClient: Client } = scheduler();
      this.#client = this.options.client ?? new Client({ region: this.options.functionArn.split(':')[3] });
    }
    return this.#client.send(command as never);
  }
}

/** The input Scheduler gets for a user's schedule: as app.json's, with the user's name form and the user in the input. */
export function userScheduleInput(user: string, schedule: UserSchedule, target: DeployTarget): CreateScheduleInput {
  return targetInput(schedule, target, {
    name: userScheduleKey(user, schedule.name),
    description: `a user's schedule ${schedule.name} (this.$proactiveEvents.schedule, jovo-plugin-proactive-events)`,
    invocation: { name: schedule.name, user },
    // A one-off is gone once it ran, as it is locally.
    ...(schedule.at !== undefined && { extra: { ActionAfterCompletion: 'DELETE' } }),
  });
}

/** Loaded when a user's schedule is first kept on AWS: a skill that keeps none never loads the SDK. */
function scheduler(): typeof import('@aws-sdk/client-scheduler') {
  return require('@aws-sdk/client-scheduler') as typeof import('@aws-sdk/client-scheduler');
}
