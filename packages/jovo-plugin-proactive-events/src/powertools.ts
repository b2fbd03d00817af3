import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { type SendRecord, type SendStatus, type Stage, type SummaryRecord, type TokenRecord } from 'alexa-proactive-events';
import { recordLines, type RecordHooks } from 'alexa-proactive-events/internal';
import type { InvocationTelemetry } from './doors/lambda';

// The main entry's type that LambdaTelemetry extends, so that it can be named from here too.
export type { InvocationTelemetry } from './doors/lambda';

/** The CloudWatch namespace of the metrics, unless POWERTOOLS_METRICS_NAMESPACE names another. */
export const METRICS_NAMESPACE = 'AlexaProactiveEvents';

/** What the records and metrics are called and where they go. */
export interface PowertoolsOptions {
  /**
   * The `service` of every record and metric.
   * @default POWERTOOLS_SERVICE_NAME, else the function's name (AWS_LAMBDA_FUNCTION_NAME), else 'alexa-skill'
   */
  serviceName?: string;
  /**
   * The CloudWatch namespace of the metrics.
   * @default POWERTOOLS_METRICS_NAMESPACE, else METRICS_NAMESPACE ('AlexaProactiveEvents')
   */
  namespace?: string;
  /**
   * How the records are logged (LOG_FORMAT): `json`, as JSON lines of Powertools' Logger with Lambda's context;
   * `text`, as words (`recordLines`); `off`, not at all. The metrics go out whatever it is
   * (POWERTOOLS_METRICS_DISABLED=true turns those off).
   * @default 'json'
   */
  log?: 'json' | 'text' | 'off';
}

/** The record hooks for Lambda, and what a Lambda entry does around each invocation (`createLambdaHandler`'s `telemetry`). */
export interface LambdaTelemetry extends RecordHooks, InvocationTelemetry {}

/**
 * Records and metrics on AWS Lambda with Powertools for AWS Lambda: each record one JSON line of its Logger, and
 * CloudWatch metrics in the embedded metric format, which CloudWatch makes of those lines with no API call:
 *
 * - `Sends` (Count), `SendLatency` (Milliseconds), `SendRetries` (Count: requests after a send's first),
 *   `Throttles` (Count: 429 answers) and `NotificationLimitRefusals` (Count: 432 answers), by `service`, `stage`
 *   and `status` (accepted, duplicate, skipped, rejected, failed);
 * - `TokenRequests` and `TokenFailures` (Count), by `service`;
 * - for each summary of a run, trigger or batch that addressed subscribers: `FanOutUsersDue`, `FanOutEnqueued`,
 *   `FanOutThrottled`, `FanOutDeadLettered` and `FanOutAccepted`, `…Duplicate`, `…Skipped`, `…Rejected`,
 *   `…Failed` (Count), by `service`: summed over a run's batches, its progress and its end.
 *
 * Only these low-cardinality dimensions: never an event's referenceId, a user or a region per user.
 */
export function powertoolsTelemetry({ serviceName, namespace, log = 'json' }: PowertoolsOptions = {}): LambdaTelemetry {
  const service = serviceName ?? (process.env.POWERTOOLS_SERVICE_NAME || process.env.AWS_LAMBDA_FUNCTION_NAME || 'alexa-skill');
  const ns = namespace ?? (process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE);
  const lines = log === 'text' ? recordLines('text') : undefined;
  // Powertools loads at the first record, not at the cold start: most invocations (Alexa's requests) make none.
  let context: LambdaContext | undefined;
  let invocations = 0;
  let logger: Logger | undefined;
  const logged = (message: string, record: object) => {
    if (log !== 'json') return;
    if (!logger) {
      // A Logger takes its first context for the container's cold start: made after the first invocation, it is told so.
      logger = new (powertools().Logger)({ serviceName: service }, invocations > 1);
      if (context) logger.addContext(context);
    }
    logger.info(message, { ...record });
  };
  let tokenMetrics: Metrics | undefined;
  const tokens = () => (tokenMetrics ??= new (powertools().Metrics)({ namespace: ns, serviceName: service }));
  let fanOutSet: Metrics | undefined;
  const fanOutMetrics = () => (fanOutSet ??= new (powertools().Metrics)({ namespace: ns, serviceName: service }));
  /** One set of metrics per stage and status: a dimension's value is the same for every metric of a set. */
  const sends = new Map<string, Metrics>();
  const sendMetrics = (stage: Stage, status: SendStatus) => {
    const key = `${stage} ${status}`;
    let metrics = sends.get(key);
    if (!metrics) sends.set(key, (metrics = new (powertools().Metrics)({ namespace: ns, serviceName: service, defaultDimensions: { stage, status } })));
    return metrics;
  };
  return {
    onSend(record: SendRecord) {
      logged('send', record);
      lines?.onSend(record);
      const metrics = sendMetrics(record.stage, record.status);
      metrics.addMetric('Sends', COUNT, 1);
      metrics.addMetric('SendLatency', MILLISECONDS, record.latencyMs);
      metrics.addMetric('SendRetries', COUNT, Math.max(0, record.attempts - 1));
      metrics.addMetric('Throttles', COUNT, record.answers.filter((status) => status === 429).length);
      metrics.addMetric('NotificationLimitRefusals', COUNT, record.answers.filter((status) => status === 432).length);
    },
    onRequest(record: TokenRecord) {
      logged('token', record);
      lines?.onRequest(record);
      tokens().addMetric('TokenRequests', COUNT, 1);
      tokens().addMetric('TokenFailures', COUNT, record.ok ? 0 : 1);
    },
    onSummary(record: SummaryRecord) {
      logged('summary', record);
      lines?.onSummary(record);
      const fan = record.fanOut;
      if (!fan) return;
      // A fan-out's progress: a 100,000-user run is many batches, each one summary; the sums are the run's.
      const metrics = fanOutMetrics();
      metrics.addMetric('FanOutUsersDue', COUNT, fan.usersDue);
      metrics.addMetric('FanOutEnqueued', COUNT, fan.enqueued);
      metrics.addMetric('FanOutThrottled', COUNT, fan.throttled);
      metrics.addMetric('FanOutDeadLettered', COUNT, fan.deadLettered);
      for (const status of ['accepted', 'duplicate', 'skipped', 'rejected', 'failed'] as const) metrics.addMetric(`FanOut${status[0].toUpperCase()}${status.slice(1)}`, COUNT, record.statuses[status] ?? 0);
    },
    start(invocation) {
      if (invocation === null || typeof invocation !== 'object' || !('awsRequestId' in invocation)) return;
      context = invocation as LambdaContext;
      invocations += 1;
      logger?.addContext(context);
    },
    flush() {
      // Only sets that have metrics: Powertools warns of an empty one.
      for (const metrics of [tokenMetrics, fanOutSet, ...sends.values()]) if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}

type LambdaContext = Parameters<Logger['addContext']>[0];

/** Powertools' MetricUnit values, as constants: the module itself loads at the first record. */
const COUNT = 'Count' as const;
const MILLISECONDS = 'Milliseconds' as const;

type PowertoolsLogger = new (options: ConstructorParameters<typeof Logger>[0], warm: boolean) => Logger;
let loaded: { Logger: PowertoolsLogger; Metrics: typeof Metrics } | undefined;

/** Powertools' Logger and Metrics, loaded on first use. */
function powertools(): { Logger: PowertoolsLogger; Metrics: typeof Metrics } {
  if (loaded) return loaded;
  const { Logger: PowertoolsLogger } = require('@aws-lambda-powertools/logger') as typeof import('@aws-lambda-powertools/logger');
  /** Powertools' Logger, told when it is made in a warm container (its cold start flag is Powertools' own, protected). */
  class ContainerLogger extends PowertoolsLogger {
    constructor(options: ConstructorParameters<typeof Logger>[0], warm: boolean) {
      super(options);
      if (warm) this.getColdStart();
    }
  }
  const { Metrics } = require('@aws-lambda-powertools/metrics') as typeof import('@aws-lambda-powertools/metrics');
  return (loaded = { Logger: ContainerLogger, Metrics });
}
