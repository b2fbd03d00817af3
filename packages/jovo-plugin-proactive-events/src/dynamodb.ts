/**
 * `jovo-plugin-proactive-events/dynamodb`: users in DynamoDB on the AWS SDK v3, and the replay guard every
 * container shares. Its own entry, so that an app on FileDb never loads the AWS SDK.
 */
export { DynamoDb } from './stores/DynamoDb';
export type { DynamoDbOptions } from './stores/DynamoDb';
export type { Rebase } from './stores/userChanges';
