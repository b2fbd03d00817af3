import type { z } from 'zod';
import { count, defineEvent, localizableText, plainText, strictObject } from './common';

const statistic = strictObject({ team: strictObject({ name: plainText }), score: count });

/**
 * "TreeFruit League match update, Apples scored! Apples 2, Oranges 1." The away team is named first, as in
 * Amazon's template; without an `update`, the "scored!" sentence goes.
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#sports-event
 */
export const SportsEventUpdated = defineEvent({
  name: 'AMAZON.SportsEvent.Updated',
  command: 'sports',
  example: {
    league: 'TreeFruit League',
    'home-team': 'Oranges',
    'home-score': '1',
    'away-team': 'Apples',
    'away-score': '2',
    'team-name': 'Apples',
    'score-earned': '1',
  },
  payload: () =>
    strictObject({
    update: strictObject({ scoreEarned: count, teamName: plainText }).optional(),
    sportsEvent: strictObject({
      eventLeague: strictObject({ name: localizableText }),
      homeTeamStatistic: statistic,
      awayTeamStatistic: statistic,
    }),
  }),
  inputs: [
    {
      flag: 'league',
      path: ['sportsEvent', 'eventLeague', 'name'],
      kind: 'text',
      localizedKey: 'eventLeagueName',
      description: 'the league, e.g. "TreeFruit League"',
    },
    { flag: 'home-team', path: ['sportsEvent', 'homeTeamStatistic', 'team', 'name'], kind: 'text', description: 'the home team' },
    { flag: 'home-score', path: ['sportsEvent', 'homeTeamStatistic', 'score'], kind: 'integer', description: "the home team's score" },
    { flag: 'away-team', path: ['sportsEvent', 'awayTeamStatistic', 'team', 'name'], kind: 'text', description: 'the away team' },
    { flag: 'away-score', path: ['sportsEvent', 'awayTeamStatistic', 'score'], kind: 'integer', description: "the away team's score" },
    { flag: 'team-name', path: ['update', 'teamName'], kind: 'text', description: 'the team that just scored' },
    { flag: 'score-earned', path: ['update', 'scoreEarned'], kind: 'integer', description: 'the points just scored (with --team-name)' },
  ],
  text: {
    en: ({ update, sportsEvent: { eventLeague, homeTeamStatistic: home, awayTeamStatistic: away } }) =>
      `${eventLeague.name} match update, ${update ? `${update.teamName} scored! ` : ''}` +
      `${away.team.name} ${away.score}, ${home.team.name} ${home.score}.`,
    de: ({ update, sportsEvent: { eventLeague, homeTeamStatistic: home, awayTeamStatistic: away } }) =>
      `${eventLeague.name}, Spielstand: ${update ? `${update.teamName} hat getroffen! ` : ''}` +
      `${away.team.name} ${away.score}, ${home.team.name} ${home.score}.`,
  },
});

/** The payload of an AMAZON.SportsEvent.Updated event, as the schema above checks it. */
export type SportsEventUpdatedPayload = z.output<(typeof SportsEventUpdated)['payload']>;
