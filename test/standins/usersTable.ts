import { readFileSync } from 'fs';
import * as path from 'path';
import { CreateTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

/** The template as parsed YAML (its intrinsic functions are in their long form, so plain YAML reads them). */
export function readTemplate(file = templateFile()): { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; [key: string]: unknown } {
  return parse(readFileSync(file, 'utf8'));
}

/** The users table as the template declares it, as a CreateTable of that layout named `tableName`. */
export function usersTableInput(tableName: string): CreateTableCommandInput {
  const table = Object.values(readTemplate().Resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table');
  if (!table) throw new Error(`${templateFile()} declares no AWS::DynamoDB::Table`);
  const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, BillingMode } = table.Properties as unknown as CreateTableCommandInput;
  return { TableName: tableName, KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, BillingMode };
}

/** Creates the users table on a local DynamoDB (dynalite) exactly as the template declares it. */
export async function createUsersTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(usersTableInput(tableName)));
}

/** infra/template.yaml, the one declaration of the skill's AWS resources, found above this module, whether this runs from the sources (ts-jest) or from dist (bench). */
function templateFile(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'infra', 'template.yaml');
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      if (path.dirname(dir) === dir) throw new Error('infra/template.yaml not found above ' + __dirname);
    }
  }
}
