/**
 * The plugin's test helpers that the template's tests use too: Alexa's requests, a local DynamoDB, Jovo's test
 * conversation and the trigger script in-process. The template builds on the plugin, and so do its tests.
 */
export { inProcessSkill } from '../../packages/jovo-plugin-proactive-events/test/helpers/conversation';
export { useStores } from '../../packages/jovo-plugin-proactive-events/test/helpers/stores';
export { TRIGGER_SECRET, close, trigger } from '../../packages/jovo-plugin-proactive-events/test/helpers/pipeline';
export { APPLICATION_ID, launchRequest, permissionResponse, subscriptionChanged } from '../../packages/jovo-plugin-proactive-events/test/helpers/requests';
