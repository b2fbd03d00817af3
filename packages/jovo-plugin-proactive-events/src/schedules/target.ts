import type { SchedulerClient } from '@aws-sdk/client-scheduler';

/**
 * Where EventBridge Scheduler invokes the skill's function, and how it retries: the one definition for users' own
 * schedules (`userScheduler`), app.json's deployed schedules (a DeployTarget: these without `client`) and the
 * settings' `userScheduler`.
 */
export interface UserSchedulerOptions {
  /** The skill's Lambda function. */
  functionArn: string;
  /** The role Scheduler assumes to invoke it (trusts scheduler.amazonaws.com, may lambda:InvokeFunction). */
  roleArn: string;
  group: string;
  /**
   * An SQS queue for invocations that failed every retry.
   * @default undefined: an invocation that failed every retry is dropped
   */
  deadLetterArn?: string;
  /** Scheduler's retries of a failed invocation. @default 3 */
  maximumRetryAttempts?: number;
  /** An invocation not made within this is dropped (or sent to the dead-letter queue). @default 3600 */
  maximumEventAgeInSeconds?: number;
  /**
   * The EventBridge Scheduler client the schedules are kept with; tests pass a stand-in.
   * @default a SchedulerClient in the function's region (from `functionArn`), with the Lambda role's credentials
   */
  client?: SchedulerClient;
}
