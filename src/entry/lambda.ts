import { createLambdaHandler, doorOptions, type LambdaHandler } from 'jovo-plugin-proactive-events';
import { powertoolsTelemetry } from 'jovo-plugin-proactive-events/powertools';
import { createApp } from '../skill/app';
import { loadSettings } from '../settings';

let lambda: LambdaHandler | undefined;

/**
 * AWS Lambda entry (`index.handler`): Alexa's invocations, and signed triggers through API Gateway or a function
 * URL. Its own module, so that the Lambda bundle leaves out the webhook (see scripts/bundle.ts). The settings are
 * read at the first invocation. The records go through Powertools' Logger, with CloudWatch metrics beside them.
 */
export const handler: LambdaHandler = (event, context, callback) => {
  if (!lambda) {
    const settings = loadSettings(undefined, { signatures: false });
    const telemetry = powertoolsTelemetry({ log: settings.logFormat });
    lambda = createLambdaHandler({ app: () => createApp(settings, { records: telemetry }), gate: doorOptions(settings), telemetry });
  }
  return lambda(event, context, callback);
};
