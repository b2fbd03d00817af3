import { createLambdaHandler, type LambdaHandler } from 'jovo-plugin-proactive-events';
import { createApp } from '../skill/app';
import { gateOptions, loadSettings, projectEnvironment } from '../settings';

let lambda: LambdaHandler | undefined;

/**
 * AWS Lambda entry (`index.handler`): Alexa's invocations, and signed triggers through API Gateway or a function
 * URL. Its own module, so that the Lambda bundle leaves out the webhook (see scripts/bundle.ts). The settings are
 * read at the first invocation.
 */
export const handler: LambdaHandler = (event, context, callback) => {
  if (!lambda) {
    const settings = loadSettings(projectEnvironment(), undefined, { signatures: false });
    lambda = createLambdaHandler({ app: () => createApp(settings), gate: gateOptions(settings) });
  }
  return lambda(event, context, callback);
};
