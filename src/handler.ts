import { createLambdaHandler, type LambdaHandler } from './lambda';
import { loadSettings, readEnvironment } from './settings';

let lambda: LambdaHandler | undefined;

/**
 * AWS Lambda entry (`index.handler`): Alexa's invocations, and signed triggers through API Gateway or a function
 * URL. Its own module, so that the Lambda bundle leaves out the webhook (see scripts/bundle.ts).
 */
export const handler: LambdaHandler = (event, context, callback) => {
  lambda ??= createLambdaHandler(loadSettings(readEnvironment()));
  return lambda(event, context, callback);
};
