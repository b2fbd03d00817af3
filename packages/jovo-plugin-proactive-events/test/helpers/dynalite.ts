import * as http from 'http';
import type { AddressInfo } from 'net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createUsersTable } from '../../../../test/standins/usersTable';

/** dynalite, a DynamoDB-compatible server, on port 0, with the users table as infra/template.yaml declares it. */
export interface LocalDynamoDb {
  endpoint: string;
  /** Creates a users table as infra/template.yaml declares it: partition key userId, the subscriber indexes. */
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
    createTable: (name) => createUsersTable(client, name),
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

/** One request a DynamoDB client made: its action (`Query`, from X-Amz-Target), what it asked and what it got. */
export interface DynamoCall {
  action: string;
  request: Record<string, any>;
  response: Record<string, any>;
}

/**
 * A loopback proxy in front of `endpoint` that records every request passing through it, unchanged both ways: a
 * client pointed at it shows which actions a code path takes (a Scan, or only Queries) and what each read.
 */
export async function recordCalls(endpoint: string): Promise<{ endpoint: string; calls: DynamoCall[]; close(): Promise<void> }> {
  const calls: DynamoCall[] = [];
  const target = new URL(endpoint);
  const server = http.createServer(async (req, res) => {
    const body = await read(req);
    const forwarded = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, async (answer) => {
      const text = await read(answer);
      calls.push({ action: String(req.headers['x-amz-target']).split('.').pop()!, request: JSON.parse(body.toString() || '{}'), response: JSON.parse(text.toString() || '{}') });
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      res.end(text);
    });
    forwarded.on('error', (error) => res.destroy(error));
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
