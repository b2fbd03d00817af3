import type { AddressInfo } from 'net';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

/** dynalite, a DynamoDB-compatible server, on port 0, with the table layout the README documents. */
export interface LocalDynamoDb {
  endpoint: string;
  /** Creates a table with the partition key userId (String), on demand. */
  createTable(name: string): Promise<void>;
  /** The userId of every item in `table`. */
  userIds(table: string): Promise<string[]>;
  /** A client of the server, for anything else. */
  client: DynamoDBClient;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamoDb> {
  // The AWS SDK wants credentials even for a local server; without them it would look for them on the network.
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const createDynalite = require('dynalite') as (options: object) => {
    listen(port: number, host: string, done: () => void): void;
    close(done: () => void): void;
    address(): AddressInfo;
  };
  const server = createDynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  return {
    endpoint,
    createTable: async (name) => {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    },
    userIds: async (table) => {
      const { Items = [] } = await client.send(new ScanCommand({ TableName: table, ProjectionExpression: 'userId' }));
      return Items.map((item) => item.userId.S ?? '');
    },
    client,
    close: () => {
      client.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
