import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { recordLines, type RecordHooks, type SendRecord, type SendStatus, type Stage, type SummaryRecord, type TokenRecord } from 'alexa-proactive-events';

/** The CloudWatch namespace of the metrics, unless POWERTOOLS_METRICS_NAMESPACE names another. */
export const METRICS_NAMESPACE = 'AlexaProactiveEvents';

/** What the records and metrics are called and where they go. */
export interface PowertoolsOptions {
  /** The `service` of every record and metric. Default: POWERTOOLS_SERVICE_NAME, else the function's name. */
  serviceName?: string;
  /** Default: POWERTOOLS_METRICS_NAMESPACE, else METRICS_NAMESPACE. */
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
export interface LambdaTelemetry extends RecordHooks {
  /** At an invocation's start: the records carry Lambda's context (function name, request id, cold start). */
  start(context: unknown): void;
  /** At its end, however it ended: the invocation's metrics go out as CloudWatch embedded metric format. */
  flush(): void;
}

/**
 * Records and metrics on AWS Lambda with Powertools for AWS Lambda: each record one JSON line of its Logger, and
 * CloudWatch metrics in the embedded metric format, which CloudWatch makes of those lines with no API call:
 *
 * - `Sends` (Count), `SendLatency` (Milliseconds), `SendRetries` (Count: requests after a send's first),
 *   `Throttles` (Count: 429 answers) and `NotificationLimitRefusals` (Count: 432 answers), by `service`, `stage`
 *   and `status` (accepted, duplicate, skipped, rejected, failed);
 * - `TokenRequests` and `TokenFailures` (Count), by `service`.
 *
 * Only these low-cardinality dimensions: never an event's referenceId, a user or a region per user.
 */
export function powertoolsTelemetry({ serviceName, namespace, log = 'json' }: PowertoolsOptions = {}): LambdaTelemetry {
  const service = serviceName ?? (process.env.POWERTOOLS_SERVICE_NAME || process.env.AWS_LAMBDA_FUNCTION_NAME || 'alexa-skill');
  const ns = namespace ?? (process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE);
  const logger = log === 'json' ? new Logger({ serviceName: service }) : undefined;
  const lines = log === 'text' ? recordLines('text') : undefined;
  const tokens = new Metrics({ namespace: ns, serviceName: service });
  /** One set of metrics per stage and status: a dimension's value is the same for every metric of a set. */
  const sends = new Map<string, Metrics>();
  const sendMetrics = (stage: Stage, status: SendStatus) => {
    const key = `${stage} ${status}`;
    let metrics = sends.get(key);
    if (!metrics) sends.set(key, (metrics = new Metrics({ namespace: ns, serviceName: service, defaultDimensions: { stage, status } })));
    return metrics;
  };
  return {
    onSend(record: SendRecord) {
      logger?.info('send', { ...record });
      lines?.onSend(record);
      const metrics = sendMetrics(record.stage, record.status);
      metrics.addMetric('Sends', MetricUnit.Count, 1);
      metrics.addMetric('SendLatency', MetricUnit.Milliseconds, record.latencyMs);
      metrics.addMetric('SendRetries', MetricUnit.Count, Math.max(0, record.attempts - 1));
      metrics.addMetric('Throttles', MetricUnit.Count, record.answers.filter((status) => status === 429).length);
      metrics.addMetric('NotificationLimitRefusals', MetricUnit.Count, record.answers.filter((status) => status === 432).length);
    },
    onRequest(record: TokenRecord) {
      logger?.info('token', { ...record });
      lines?.onRequest(record);
      tokens.addMetric('TokenRequests', MetricUnit.Count, 1);
      tokens.addMetric('TokenFailures', MetricUnit.Count, record.ok ? 0 : 1);
    },
    onSummary(record: SummaryRecord) {
      logger?.info('summary', { ...record });
      lines?.onSummary(record);
    },
    start(context) {
      if (logger && context !== null && typeof context === 'object' && 'awsRequestId' in context) logger.addContext(context as Parameters<Logger['addContext']>[0]);
    },
    flush() {
      // Only sets that have metrics: Powertools warns of an empty one.
      for (const metrics of [tokens, ...sends.values()]) if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
