import { MediaContentAvailable } from './MediaContentAvailable';
import { MessageAlertActivated } from './MessageAlertActivated';
import { OccasionUpdated } from './OccasionUpdated';
import { OrderStatusUpdated } from './OrderStatusUpdated';
import { SocialGameInviteAvailable } from './SocialGameInviteAvailable';
import { SportsEventUpdated } from './SportsEventUpdated';
import { TrashCollectionAlertActivated } from './TrashCollectionAlertActivated';
import { WeatherAlertActivated } from './WeatherAlertActivated';

/**
 * The eight event schemas of the Proactive Events API, in the order of Amazon's catalog. This is the only list
 * of them; everything else (event names, hidden intents, the request schema, JSON Schemas) derives from it.
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html
 */
export const EVENT_DEFINITIONS = [
  WeatherAlertActivated,
  SportsEventUpdated,
  MessageAlertActivated,
  OrderStatusUpdated,
  OccasionUpdated,
  TrashCollectionAlertActivated,
  MediaContentAvailable,
  SocialGameInviteAvailable,
] as const;

/** The definition of any of the eight events, each with its own name and payload type. */
export type AnyEventDefinition = (typeof EVENT_DEFINITIONS)[number];
