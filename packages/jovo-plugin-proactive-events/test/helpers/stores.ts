import * as fs from 'fs';
import type { Db } from 'jovo-framework';
import type { Settings } from '../helpers/app';
import { SerialFileDb } from '../../src';
import { DynamoDb } from '../../src/stores/DynamoDb';
import { reservedUserIdProblem } from '../../src/stores/keys';
import { startDynalite, type LocalDynamoDb } from './dynalite';

/** The rows of a SerialFileDb file, as Jovo's FileDb would find them: the rows it blanked (replaced or deleted) left out. */
export function storedRows(file: string): Array<Record<string, unknown>> {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Record<string, unknown>>).filter((row) => Object.keys(row).length > 0);
}

/** One of the skill's stores, and a second client of it to read what the skill stored. */
export interface Store {
  configure(settings: Settings): void;
  reader(settings: Settings): Db;
  /** The userId of every user's record. */
  userIds(settings: Settings): Promise<string[]>;
}

/**
 * FileDb (the embedded default) and DynamoDB: `table` on a dynalite server that the calling test file starts
 * before its tests and stops after them.
 */
export function useStores(table: string): { stores: Array<[string, Store]>; dynamo: () => LocalDynamoDb } {
  let local: LocalDynamoDb;
  beforeAll(async () => {
    local = await startDynalite();
    await local.createTable(table);
  });
  afterAll(() => local.close());
  const dynamo = () => local;
  const stores: Array<[string, Store]> = [
    [
      'FileDb',
      {
        configure: () => undefined,
        reader: ({ fileDbPath }) => {
          const db = new SerialFileDb({ pathToFile: fileDbPath });
          db.install({} as never);
          return db;
        },
        userIds: async ({ fileDbPath }) => storedRows(fileDbPath).map((row) => String(row.userId)),
      },
    ],
    [
      'DynamoDB',
      {
        configure: (settings) => (settings.dynamoDb = { tableName: table, endpoint: dynamo().endpoint, region: 'us-east-1' }),
        reader: () => new DynamoDb({ tableName: table, endpoint: dynamo().endpoint, region: 'us-east-1' }),
        // The replay guard's items (`trigger#<request id>`) and the index's (`index#zones`) share the table; they are not users.
        userIds: async () => (await dynamo().userIds(table)).filter((id) => !reservedUserIdProblem(id)),
      },
    ],
  ];
  return { stores, dynamo };
}
