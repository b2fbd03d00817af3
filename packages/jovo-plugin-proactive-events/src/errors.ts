/**
 * The codes of the plugin's own errors (`ProactiveEventsError`s, like the library's, which have
 * `ProactiveEventsErrorCode`): app.json or the environment is invalid (`ERR_SETTINGS`, a SettingsError); an app
 * has no ProactiveEvents plugin where one is needed (`ERR_NO_PLUGIN`); a run names a schedule app.json does not
 * declare (`ERR_UNKNOWN_SCHEDULE`), or the skill answered a schedule's run without its results
 * (`ERR_SCHEDULE_UNANSWERED`); DynamoDB has no such table (`ERR_NO_TABLE`), or the table no
 * subscriber indexes (`ERR_NO_INDEX`); a user id is in the store's own key
 * space (`ERR_RESERVED_USER_ID`); an event fits in no trigger a door reads (`ERR_TRIGGER_TOO_LARGE`); a door refused an
 * invocation (`ERR_REFUSED`, a RefusedError whose `refusal.code` says why); the fan-out queue refused batches
 * (`ERR_FANOUT_QUEUE`); a run addressing subscribers found no subscriber index in the app's database
 * (`ERR_NO_SUBSCRIBER_INDEX`), or could not reach them all within one invocation and has no queue
 * (`ERR_FANOUT_UNFINISHED`); SerialFileDb's file is no JSON array of rows (`ERR_STORE_CORRUPT`).
 */
export type PluginErrorCode =
  | 'ERR_SETTINGS'
  | 'ERR_NO_PLUGIN'
  | 'ERR_UNKNOWN_SCHEDULE'
  | 'ERR_SCHEDULE_UNANSWERED'
  | 'ERR_NO_TABLE'
  | 'ERR_NO_INDEX'
  | 'ERR_RESERVED_USER_ID'
  | 'ERR_TRIGGER_TOO_LARGE'
  | 'ERR_REFUSED'
  | 'ERR_FANOUT_QUEUE'
  | 'ERR_NO_SUBSCRIBER_INDEX'
  | 'ERR_FANOUT_UNFINISHED'
  | 'ERR_STORE_CORRUPT';
