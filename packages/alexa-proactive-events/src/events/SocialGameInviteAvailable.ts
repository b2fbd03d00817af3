import { z } from 'zod';
import { defineEvent, localizableText, plainText, strictObject, type Words } from './common';

export const RELATIONSHIPS = ['FRIEND', 'CONTACT'] as const;
export const INVITE_TYPES = ['CHALLENGE', 'INVITE'] as const;
export const OFFER_TYPES = ['MATCH', 'REMATCH', 'GAME'] as const;

const RELATIONSHIP: Words<(typeof RELATIONSHIPS)[number]> = {
  en: { FRIEND: 'friend', CONTACT: 'contact' },
  de: { FRIEND: 'Dein Freund', CONTACT: 'Dein Kontakt' },
};
const INVITED: Words<(typeof INVITE_TYPES)[number]> = {
  en: { CHALLENGE: 'challenged', INVITE: 'invited' },
  de: { CHALLENGE: 'herausgefordert', INVITE: 'eingeladen' },
};
const OFFER: Words<(typeof OFFER_TYPES)[number]> = {
  en: { MATCH: 'match', REMATCH: 'rematch', GAME: 'game' },
  de: { MATCH: 'einem Match', REMATCH: 'einer Revanche', GAME: 'einer Partie' },
};

const relationshipToInvitee = z.enum(RELATIONSHIPS);
const inviteType = z.enum(INVITE_TYPES);
/** Said of each of the two, in the JSON Schema and the events page, where the check below cannot be. */
const ONCE = 'required in invite or in invite.inviter, not both';

/**
 * Amazon's table puts `relationshipToInvitee` and `inviteType` under `invite.inviter`; its example (and most
 * libraries) put them directly under `invite`. Both are accepted; each must be given once.
 */
const invite = strictObject({
  inviter: strictObject({
    name: plainText,
    relationshipToInvitee: relationshipToInvitee.optional().describe(ONCE),
    inviteType: inviteType.optional().describe(ONCE),
  }),
  relationshipToInvitee: relationshipToInvitee.optional().describe(ONCE),
  inviteType: inviteType.optional().describe(ONCE),
}).superRefine((value, context) => {
  for (const field of ['relationshipToInvitee', 'inviteType'] as const) {
    const here = value[field] !== undefined;
    const underInviter = value.inviter[field] !== undefined;
    if (here && underInviter) {
      context.addIssue({ code: 'custom', path: [field], message: `give ${field} once: here or under invite.inviter, not both` });
    } else if (!here && !underInviter) {
      context.addIssue({ code: 'custom', path: [field], message: `required, here or under invite.inviter` });
    }
  }
});
type Invite = z.output<typeof invite>;

/** Where the invite holds them. */
function details(value: Invite) {
  return {
    relationship: (value.relationshipToInvitee ?? value.inviter.relationshipToInvitee)!,
    type: (value.inviteType ?? value.inviter.inviteType)!,
  };
}

/**
 * "Your friend Max has challenged you to a game of The Red."
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#social-game-invite
 */
export const SocialGameInviteAvailable = defineEvent({
  name: 'AMAZON.SocialGameInvite.Available',
  command: 'game-invite',
  example: { inviter: 'John Stiles', 'relationship-to-invitee': 'FRIEND', 'invite-type': 'INVITE', offer: 'GAME', game: 'chess' },
  payload: () =>
    strictObject({
    invite,
    game: strictObject({ offer: z.enum(OFFER_TYPES), name: localizableText }),
  }),
  inputs: [
    { flag: 'inviter', path: ['invite', 'inviter', 'name'], kind: 'text', description: 'who invites, e.g. "John Stiles"' },
    {
      flag: 'relationship-to-invitee',
      path: ['invite', 'relationshipToInvitee'],
      kind: 'enum',
      values: RELATIONSHIPS,
      description: "the inviter's relation to the user",
    },
    { flag: 'invite-type', path: ['invite', 'inviteType'], kind: 'enum', values: INVITE_TYPES, description: 'a challenge or an invitation' },
    { flag: 'offer', path: ['game', 'offer'], kind: 'enum', values: OFFER_TYPES, description: 'what is offered' },
    { flag: 'game', path: ['game', 'name'], kind: 'text', localizedKey: 'gameName', description: 'the game, e.g. "chess"' },
  ],
  text: {
    en: ({ invite: value, game }) => {
      const { relationship, type } = details(value);
      return `Your ${RELATIONSHIP.en[relationship]} ${value.inviter.name} has ${INVITED.en[type]} you to a ${OFFER.en[game.offer]} of ${game.name}.`;
    },
    de: ({ invite: value, game }) => {
      const { relationship, type } = details(value);
      return `${RELATIONSHIP.de[relationship]} ${value.inviter.name} hat dich zu ${OFFER.de[game.offer]} ${game.name} ${INVITED.de[type]}.`;
    },
  },
});

/** The payload of an AMAZON.SocialGameInvite.Available event, as the schema above checks it. */
export type SocialGameInviteAvailablePayload = z.output<(typeof SocialGameInviteAvailable)['payload']>;
