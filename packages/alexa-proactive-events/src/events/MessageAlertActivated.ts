import { z } from 'zod';
import { count, defineEvent, plainText, strictObject, type Words } from './common';

export const MESSAGE_STATUSES = ['UNREAD', 'FLAGGED'] as const;
export const MESSAGE_FRESHNESS = ['NEW', 'OVERDUE'] as const;
export const MESSAGE_URGENCIES = ['URGENT'] as const;

type Adjective = (typeof MESSAGE_STATUSES)[number] | (typeof MESSAGE_FRESHNESS)[number] | (typeof MESSAGE_URGENCIES)[number];
const ADJECTIVES: Words<Adjective> = {
  en: { UNREAD: 'unread', FLAGGED: 'flagged', NEW: 'new', OVERDUE: 'overdue', URGENT: 'urgent' },
  de: { UNREAD: 'ungelesene', FLAGGED: 'markierte', NEW: 'neue', OVERDUE: 'überfällige', URGENT: 'dringende' },
};

const payload = () =>
  strictObject({
  state: strictObject({ status: z.enum(MESSAGE_STATUSES), freshness: z.enum(MESSAGE_FRESHNESS).optional() }),
  messageGroup: strictObject({
    creator: strictObject({ name: plainText }),
    count,
    urgency: z.enum(MESSAGE_URGENCIES).optional(),
  }),
});

/** "5 new unread urgent messages": Amazon's order, count, freshness, status, urgency. */
function adjectives({ state, messageGroup }: z.output<ReturnType<typeof payload>>, language: 'en' | 'de'): string {
  const words = [state.freshness, state.status, messageGroup.urgency].filter((word) => word !== undefined);
  return words.map((word) => ADJECTIVES[language][word]).join(' ');
}

/**
 * "You have 5 new unread urgent messages from Andy."
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#message-alert
 */
export const MessageAlertActivated = defineEvent({
  name: 'AMAZON.MessageAlert.Activated',
  command: 'message',
  example: { status: 'UNREAD', freshness: 'NEW', creator: 'Jane Doe', count: '3', urgency: 'URGENT' },
  payload,
  inputs: [
    { flag: 'status', path: ['state', 'status'], kind: 'enum', values: MESSAGE_STATUSES, description: 'the messages\' state' },
    { flag: 'freshness', path: ['state', 'freshness'], kind: 'enum', values: MESSAGE_FRESHNESS, description: 'how new the messages are' },
    { flag: 'creator', path: ['messageGroup', 'creator', 'name'], kind: 'text', description: 'who sent them, e.g. "Jane Doe"' },
    { flag: 'count', path: ['messageGroup', 'count'], kind: 'integer', description: 'how many messages' },
    { flag: 'urgency', path: ['messageGroup', 'urgency'], kind: 'enum', values: MESSAGE_URGENCIES, description: 'how urgent they are' },
  ],
  text: {
    en: (event) =>
      `You have ${event.messageGroup.count} ${adjectives(event, 'en')} ${event.messageGroup.count === 1 ? 'message' : 'messages'} ` +
      `from ${event.messageGroup.creator.name}.`,
    de: (event) =>
      `Du hast ${event.messageGroup.count} ${adjectives(event, 'de')} ${event.messageGroup.count === 1 ? 'Nachricht' : 'Nachrichten'} ` +
      `von ${event.messageGroup.creator.name}.`,
  },
});

/** The payload of an AMAZON.MessageAlert.Activated event, as the schema above checks it. */
export type MessageAlertActivatedPayload = z.output<(typeof MessageAlertActivated)['payload']>;
