import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { parseDocument } from 'yaml';
import { MIN_TRIGGER_SECRET_LENGTH } from 'alexa-proactive-events/trigger';
import { readSettings } from 'jovo-plugin-proactive-events';
import { SETTINGS_VARIABLES, userScheduleKey } from 'jovo-plugin-proactive-events/internal';
import { EXPIRES_AT } from '../packages/jovo-plugin-proactive-events/src/stores/DynamoDb';
import { INDEX } from '../packages/jovo-plugin-proactive-events/src/stores/subscriberIndex';
import { Rendering, STACK, parameterProblem, type Template } from './helpers/cloudFormation';
import { allows, roleStatements, type Statement } from './helpers/iam';

/**
 * infra/template.yaml and the code agree: the function gets every variable its settings read, with values they
 * accept and that name the template's own resources; the users table has the keys and indexes the stores query; the
 * function's role allows each AWS call the plugin's sources make, on the resource it is made on, and nothing on
 * anything else; the fan-out queue and its mapping are set up as Lambda needs them. What the code needs is read from
 * the code (the settings' variables, the `new …Command(` of the sources, the index names), not kept here by hand.
 */
const root = path.join(__dirname, '..');
const TEMPLATE_FILE = path.join(root, 'infra', 'template.yaml');
const PLUGIN_SOURCES = path.join(root, 'packages', 'jovo-plugin-proactive-events', 'src');
const text = fs.readFileSync(TEMPLATE_FILE, 'utf8');
const template = parseDocument(text).toJS() as Template;

/** What a deployment passes for the parameters that have no default. */
const DEPLOYED = {
  SkillId: 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000',
  TriggerSecret: randomBytes(32).toString('hex'),
  AlexaClientId: 'amzn1.application-oa2-client.0123456789abcdef',
  AlexaClientSecret: randomBytes(32).toString('hex'),
};

/** Every parameter at its lowest, and at its highest, allowed value (the others at the deployment's). */
const EXTREMES = (['lowest', 'highest'] as const).map((end) => ({
  ...DEPLOYED,
  ...Object.fromEntries(
    Object.entries(template.Parameters)
      .filter(([, declaration]) => declaration.AllowedValues !== undefined || declaration.MinValue !== undefined)
      .map(([name, { AllowedValues, MinValue, MaxValue }]) => [name, String(AllowedValues ? AllowedValues.at(end === 'lowest' ? 0 : -1) : end === 'lowest' ? MinValue : MaxValue)]),
  ),
}));

const deployed = new Rendering(template, DEPLOYED);

/** The logical id of the one resource of `type` that `matches`. */
function resourceId(type: string, matches: (id: string) => boolean = () => true): string {
  const ids = Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === type && matches(id))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} in infra/template.yaml, found ${ids.length}: ${ids.join(', ')}`);
  return ids[0];
}

const FUNCTION = resourceId('AWS::Lambda::Function');
const TABLE = resourceId('AWS::DynamoDB::Table');
const MAPPING = resourceId('AWS::Lambda::EventSourceMapping');
/** The queue the mapping reads: the fan-out queue. */
const QUEUE = resourceId('AWS::SQS::Queue', (id) => deployed.attribute(id, 'Arn') === deployed.properties(MAPPING).EventSourceArn);
/** Where the fan-out queue's batches go after MaxReceiveCount deliveries. */
const DEAD_LETTERS = resourceId('AWS::SQS::Queue', (id) => deployed.attribute(id, 'Arn') === deployed.properties(QUEUE).RedrivePolicy?.deadLetterTargetArn);
const SCHEDULE_GROUP = resourceId('AWS::Scheduler::ScheduleGroup');
const FUNCTION_ROLE = resourceId('AWS::IAM::Role', (id) => deployed.attribute(id, 'Arn') === deployed.properties(FUNCTION).Role);
const SCHEDULER_ROLE = resourceId('AWS::IAM::Role', (id) => id !== FUNCTION_ROLE);

const arn = (service: string, resource: string) => `arn:aws:${service}:${STACK.region}:${STACK.account}:${resource}`;

describe('infra/template.yaml', () => {
  it('is plain YAML: every intrinsic function in its long form, which any YAML parser reads', () => {
    const document = parseDocument(text);
    expect([...document.errors, ...document.warnings].map((problem) => problem.message)).toEqual([]);
    expect(text.match(/(?:^|[\s[,])!(?:Ref|GetAtt|Sub|FindInMap|If|Join|Select|Split|Equals|Not|And|Or|Base64|Cidr|ImportValue|GetAZs|Condition)\b.*/gm)).toBeNull();
  });

  it('declares each resource with the properties CloudFormation requires of its type', () => {
    // From each type's page in the CloudFormation Template Reference; a type the template starts using is added here.
    const REQUIRED: Record<string, string[]> = {
      'AWS::Lambda::Function': ['Code', 'Role', 'Runtime', 'Handler'],
      'AWS::Lambda::Url': ['AuthType', 'TargetFunctionArn'],
      'AWS::Lambda::Permission': ['Action', 'FunctionName', 'Principal'],
      'AWS::Lambda::EventSourceMapping': ['FunctionName', 'EventSourceArn'],
      'AWS::DynamoDB::Table': ['KeySchema', 'AttributeDefinitions'],
      'AWS::SQS::Queue': [],
      'AWS::IAM::Role': ['AssumeRolePolicyDocument'],
      'AWS::Logs::LogGroup': [],
      'AWS::Scheduler::ScheduleGroup': [],
    };
    const problems = Object.entries(template.Resources).flatMap(([id, { Type, Properties = {} }]) => {
      if (!(Type in REQUIRED)) return [`${id}: ${Type} is not one test/infra.test.ts knows the required properties of; add them to REQUIRED`];
      return REQUIRED[Type].filter((property) => Properties[property] === undefined).map((property) => `${id}: ${Type} requires ${property}`);
    });
    expect(problems).toEqual([]);
  });

  it('refers only to parameters, resources, attributes and mappings that exist, and uses every parameter', () => {
    const rendering = new Rendering(template, DEPLOYED);
    rendering.value(template.Resources);
    rendering.value(template.Outputs);
    expect(Object.keys(template.Parameters).filter((name) => !rendering.used.has(name))).toEqual([]);
  });

  it('gives each parameter a default it allows, and asks for the secrets without echoing them', () => {
    const problems = Object.entries(template.Parameters)
      .filter(([, declaration]) => declaration.Default !== undefined)
      .map(([name, declaration]) => parameterProblem(name, declaration, String(declaration.Default)))
      .filter(Boolean);
    expect(problems).toEqual([]);
    for (const values of [DEPLOYED, ...EXTREMES]) {
      expect(Object.entries(values).map(([name, value]) => parameterProblem(name, template.Parameters[name], value)).filter(Boolean)).toEqual([]);
    }
    // A variable whose name says SECRET comes from a parameter CloudFormation never shows.
    const variables = template.Resources[FUNCTION].Properties!.Environment as { Variables: Record<string, { Ref?: string }> };
    const secrets = Object.entries(variables.Variables).filter(([name]) => name.includes('SECRET'));
    expect(secrets.length).toBeGreaterThan(0);
    for (const [name, value] of secrets) expect({ name, noEcho: template.Parameters[value.Ref!]?.NoEcho }).toEqual({ name, noEcho: true });
    expect(template.Parameters.TriggerSecret.MinLength).toBe(MIN_TRIGGER_SECRET_LENGTH);
  });

  it('names in docs/production.md each output it tells the reader to use', () => {
    const docs = fs.readFileSync(path.join(root, 'docs', 'production.md'), 'utf8');
    expect(Object.keys(template.Outputs ?? {}).filter((name) => !docs.includes(name))).toEqual([]);
  });
});

describe('the function', () => {
  it("runs the bundle's handler, on a Node.js no older than the bundle's target", () => {
    const bundle = fs.readFileSync(path.join(root, 'scripts', 'bundle.ts'), 'utf8');
    const entry = /entryPoints: \[path\.join\(root, ((?:'[^']+'(?:, )?)+)\)\]/.exec(bundle)![1].split(', ').map((part) => part.slice(1, -1));
    const outfile = /outfile: path\.join\(bundle, '([^']+)\.js'\)/.exec(bundle)![1];
    const exported = /export const (\w+): LambdaHandler/.exec(fs.readFileSync(path.join(root, ...entry), 'utf8'))![1];
    const { Handler, Runtime } = deployed.properties(FUNCTION);
    expect(Handler).toBe(`${outfile}.${exported}`);
    // The target of every bundle, in the options they share.
    const target = Number(/target: 'node(\d+)'/.exec(fs.readFileSync(path.join(root, 'scripts', 'esbuildSources.ts'), 'utf8'))![1]);
    expect(Number(/^nodejs(\d+)\.x$/.exec(Runtime)?.[1])).toBeGreaterThanOrEqual(target);
  });

  /** Variables the code reads that a deployed function does not get, and why. */
  const NOT_ON_LAMBDA: Record<string, string> = {
    JOVO_PORT: 'where npm start listens',
    HOST: 'where npm start listens',
    FILEDB_PATH: 'FileDb, which Lambda replaces with DynamoDB',
    WEBHOOK_MAX_CONNECTIONS: "npm start's connection limits",
    WEBHOOK_MAX_CONNECTIONS_PER_CLIENT: "npm start's connection limits",
    WEBHOOK_HEADERS_TIMEOUT_MS: "npm start's connection limits",
    WEBHOOK_REQUEST_TIMEOUT_MS: "npm start's connection limits",
    WEBHOOK_KEEP_ALIVE_TIMEOUT_MS: "npm start's connection limits",
    ALEXA_VERIFY_REQUESTS: 'on Lambda Alexa invokes the function: there is no signature to verify',
    DYNAMODB_ENDPOINT: "another DynamoDB than AWS's (DynamoDB Local, dynalite)",
    AWS_ENDPOINT_URL_SQS: "another SQS than AWS's (the tests' stand-in); the SDK's own setting",
    LWA_TOKEN_URL: "the emulator's token endpoint; Amazon's by default",
    PROACTIVE_API_ENDPOINTS: 'origins of the emulator',
    PROACTIVE_API_ENDPOINT: 'the emulator, for scheduled sends',
    LOG_FORMAT: 'json by default on Lambda',
    AWS_REGION: 'set by Lambda',
    AWS_LAMBDA_FUNCTION_NAME: 'set by Lambda',
    POWERTOOLS_SERVICE_NAME: "the function's name by default",
    POWERTOOLS_METRICS_NAMESPACE: 'AlexaProactiveEvents by default',
  };

  it('sets every variable the settings and the code of the Lambda side read, but those a deployed function leaves unset', () => {
    const read = [...new Set([...SETTINGS_VARIABLES, ...lambdaSideSources().flatMap(({ source }) => [...source.matchAll(/process\.env(?:\.|\[')([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]))])];
    const set = Object.keys(deployed.properties(FUNCTION).Environment.Variables);
    const missing = read.filter((name) => !set.includes(name) && !(name in NOT_ON_LAMBDA));
    expect({ missingFromTheFunctionsEnvironment: missing }).toEqual({ missingFromTheFunctionsEnvironment: [] });
    // Each exception is still read: one the code no longer reads goes.
    expect(Object.keys(NOT_ON_LAMBDA).filter((name) => !read.includes(name))).toEqual([]);
  });

  it.each([
    ['at their defaults', DEPLOYED],
    ['at their lowest', EXTREMES[0]],
    ['at their highest', EXTREMES[1]],
  ])("gives the settings values they accept, naming the template's own resources, with the parameters %s", (_, parameters) => {
    const rendering = new Rendering(template, parameters);
    const variables = rendering.properties(FUNCTION).Environment.Variables as Record<string, string>;
    const settings = readSettings({ projectRoot: root, env: { ...variables, AWS_LAMBDA_FUNCTION_NAME: rendering.name(FUNCTION), AWS_REGION: STACK.region }, signatures: false });
    expect(settings.dynamoDb).toEqual({ tableName: rendering.name(TABLE), region: STACK.region });
    expect(settings.alexa.skillId).toBe(parameters.SkillId);
    expect(settings.sending).toMatchObject({ stage: rendering.parameters.Stage, credentials: { clientId: parameters.AlexaClientId, clientSecret: parameters.AlexaClientSecret } });
    expect(settings.triggerSecret).toBe(parameters.TriggerSecret);
    expect(settings.userScheduler).toEqual({
      group: rendering.name(SCHEDULE_GROUP),
      roleArn: rendering.attribute(SCHEDULER_ROLE, 'Arn'),
      functionArn: rendering.attribute(FUNCTION, 'Arn'),
      deadLetterArn: expect.stringMatching(/^arn:aws:sqs:/),
    });
    // The queue the code enqueues to is the one the mapping reads.
    expect(variables.FANOUT_QUEUE_URL).toBe(rendering.ref(QUEUE));
  });
});

describe('the users table', () => {
  const table = deployed.properties(TABLE);
  const keys = (schema: Array<{ AttributeName: string; KeyType: string }>) => Object.fromEntries(schema.map(({ AttributeName, KeyType }) => [KeyType, AttributeName]));

  it('is keyed by userId, with time to live on the attribute the replay guard sets', () => {
    expect(keys(table.KeySchema)).toEqual({ HASH: 'userId' });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: EXPIRES_AT, Enabled: true });
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('has the two indexes the stores query, each keyed by its attribute and userId, projecting what a listing reads', () => {
    const indexes = Object.fromEntries((table.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: never; Projection: unknown }>).map((index) => [index.IndexName, index]));
    expect(Object.keys(indexes).sort()).toEqual([INDEX.byRegion, INDEX.byZone].sort());
    for (const [name, key, other] of [
      [INDEX.byZone, INDEX.zoneAttribute, INDEX.regionAttribute],
      [INDEX.byRegion, INDEX.regionAttribute, INDEX.zoneAttribute],
    ]) {
      expect({ name, keys: keys(indexes[name].KeySchema) }).toEqual({ name, keys: { HASH: key, RANGE: 'userId' } });
      expect({ name, projection: indexes[name].Projection }).toEqual({ name, projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: expect.arrayContaining([INDEX.eventsAttribute, other]) } });
    }
  });

  it('defines exactly the key attributes, as strings', () => {
    const keyAttributes = new Set([table.KeySchema, ...table.GlobalSecondaryIndexes.map((index: { KeySchema: unknown }) => index.KeySchema)].flat().map((key: { AttributeName: string }) => key.AttributeName));
    expect(table.AttributeDefinitions).toEqual([...keyAttributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })));
  });
});

describe('the fan-out queue and its event source mapping', () => {
  it.each(template.Parameters.FunctionTimeout.AllowedValues!.map(Number))(
    'keeps a batch invisible six times as long as a function of timeout %i s may run, as AWS recommends',
    (timeout) => {
      const rendering = new Rendering(template, { ...DEPLOYED, FunctionTimeout: String(timeout) });
      expect(rendering.properties(FUNCTION).Timeout).toBe(String(timeout));
      expect(rendering.properties(QUEUE).VisibilityTimeout).toBe(6 * timeout);
    },
  );

  it('sends a batch that keeps failing to the dead-letter queue after MaxReceiveCount deliveries, and keeps it there longest', () => {
    expect(deployed.properties(QUEUE).RedrivePolicy).toEqual({ deadLetterTargetArn: deployed.attribute(DEAD_LETTERS, 'Arn'), maxReceiveCount: deployed.parameters.MaxReceiveCount });
    expect(deployed.properties(DEAD_LETTERS).MessageRetentionPeriod).toBe(1_209_600);
  });

  it('invokes the function with batch item failures reported, at most MaximumConcurrency at once, in batches Lambda allows', () => {
    const mapping = template.Resources[MAPPING].Properties!;
    const rendered = deployed.properties(MAPPING);
    expect(rendered.FunctionName).toBe(deployed.attribute(FUNCTION, 'Arn'));
    expect(rendered.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const range = (expression: unknown) => {
      const { MinValue, MaxValue } = template.Parameters[(expression as { Ref: string }).Ref];
      return [MinValue, MaxValue];
    };
    const concurrency = range((mapping.ScalingConfig as { MaximumConcurrency: unknown }).MaximumConcurrency);
    expect(concurrency[0]).toBeGreaterThanOrEqual(2);
    expect(concurrency[1]).toBeLessThanOrEqual(1000);
    // Beyond 10 records Lambda requires a batching window, which would hold batches back.
    expect(mapping.MaximumBatchingWindowInSeconds).toBeUndefined();
    const batch = range(mapping.BatchSize);
    expect(batch[0]).toBeGreaterThanOrEqual(1);
    expect(batch[1]).toBeLessThanOrEqual(10);
  });
});

describe('who may invoke the function', () => {
  const permissions = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Permission')
    .map(([id]) => deployed.properties(id));

  it('lets Alexa invoke it for this skill only, and anyone through its URL, where the function takes signed triggers only', () => {
    expect(permissions.every((permission) => permission.FunctionName === deployed.attribute(FUNCTION, 'Arn'))).toBe(true);
    expect(permissions.filter((permission) => permission.Principal === 'alexa-appkit.amazon.com')).toEqual([
      { FunctionName: expect.any(String), Action: 'lambda:InvokeFunction', Principal: 'alexa-appkit.amazon.com', EventSourceToken: DEPLOYED.SkillId },
    ]);
    const url = deployed.properties(resourceId('AWS::Lambda::Url'));
    expect(url).toEqual({ TargetFunctionArn: deployed.attribute(FUNCTION, 'Arn'), AuthType: 'NONE' });
    // Since October 2025 a public URL needs both statements; neither lets anyone invoke the function otherwise.
    expect(permissions.filter((permission) => permission.Principal === '*').map(({ FunctionName, ...permission }) => permission)).toEqual(
      expect.arrayContaining([
        { Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
        { Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
      ]),
    );
    expect(permissions.filter((permission) => permission.Principal === '*')).toHaveLength(2);
  });

  it("lets EventBridge Scheduler of this account invoke the function through its role, and do nothing else but dead-letter", () => {
    const role = deployed.properties(SCHEDULER_ROLE);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': STACK.account } } },
    ]);
    const statements = roleStatements(role);
    expect(allows(statements, 'lambda:InvokeFunction', deployed.attribute(FUNCTION, 'Arn'))).toBe(true);
    const deadLetterArn = deployed.properties(FUNCTION).Environment.Variables.PROACTIVE_SCHEDULE_DEAD_LETTER_ARN;
    expect(allows(statements, 'sqs:SendMessage', deadLetterArn)).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', deployed.attribute(QUEUE, 'Arn'))).toBe(false);
    expect(broadness(statements)).toEqual([]);
  });
});

describe("the function's role", () => {
  const role = deployed.properties(FUNCTION_ROLE);
  const statements = roleStatements(role);
  const tableArn = deployed.attribute(TABLE, 'Arn');
  const queueArn = deployed.attribute(QUEUE, 'Arn');
  const deadLettersArn = deployed.attribute(DEAD_LETTERS, 'Arn');
  const group = deployed.name(SCHEDULE_GROUP);

  /** The resources an action of the code is used on, by the resource this template gives it. */
  function resourcesOf(action: string): string[] | undefined {
    const [service, name] = action.split(':');
    if (service === 'dynamodb') return name === 'Query' ? [INDEX.byZone, INDEX.byRegion].map((index) => `${tableArn}/index/${index}`) : [tableArn];
    // The function keeps users' own schedules; app.json's are the operator's (schedules deploy).
    if (service === 'scheduler' && name.endsWith('Schedule')) return [arn('scheduler', `schedule/${group}/${userScheduleKey('amzn1.ask.account.SOMEONE', 'reminder')}`)];
    const SQS: Record<string, string[]> = {
      SendMessage: [queueArn],
      ReceiveMessage: [queueArn],
      DeleteMessage: [queueArn],
      ChangeMessageVisibility: [queueArn],
      // The queue's depth, and the dead-letter queue's for doctor and the run summary.
      GetQueueAttributes: [queueArn, deadLettersArn],
      GetQueueUrl: [deadLettersArn],
    };
    if (service === 'sqs') return SQS[name];
    return undefined;
  }

  it('trusts Lambda alone', () => {
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
  });

  it("allows every AWS call of the plugin's sources, on the resource the call is made on", () => {
    const { calls, unknown } = sdkCalls();
    expect({ callsThisTestCannotMap: unknown }).toEqual({ callsThisTestCannotMap: [] });
    // The scan finds the stores' calls at least: one that finds none is broken, not reassuring.
    expect(calls.map((call) => call.command)).toEqual(expect.arrayContaining(['GetCommand', 'PutCommand', 'DeleteCommand', 'CreateScheduleCommand']));
    const missing = calls.flatMap(({ file, within, command, action }) => {
      const resources = resourcesOf(action);
      if (!resources) return [`${action} (${command} in ${file}): test/infra.test.ts does not know which resource it acts on; add it to resourcesOf`];
      return resources.filter((resource) => !allows(statements, action, resource)).map((resource) => `${action} on ${resource}, for ${command} in ${file}${within ? ` (${within})` : ''}`);
    });
    expect({ notAllowedByFunctionRole: [...new Set(missing)] }).toEqual({ notAllowedByFunctionRole: [] });
  });

  it('allows what the event source mapping polls with, and writing the log', () => {
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) expect({ action, allowed: allows(statements, action, queueArn) }).toEqual({ action, allowed: true });
    const stream = deployed.attribute(resourceId('AWS::Logs::LogGroup'), 'Arn').replace(/\*$/, 'log-stream:2026/12/01/[$LATEST]0123456789abcdef');
    expect(stream).toContain(`log-group:/aws/lambda/${deployed.name(FUNCTION)}:`);
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) expect({ action, allowed: allows(statements, action, stream) }).toEqual({ action, allowed: true });
  });

  it("passes the Scheduler role, to Scheduler only, as users' schedules need", () => {
    const schedulerRole = deployed.attribute(SCHEDULER_ROLE, 'Arn');
    expect(allows(statements, 'iam:PassRole', schedulerRole, { 'iam:PassedToService': 'scheduler.amazonaws.com' })).toBe(true);
    expect(allows(statements, 'iam:PassRole', schedulerRole, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false);
    expect(allows(statements, 'iam:PassRole', deployed.attribute(FUNCTION_ROLE, 'Arn'), { 'iam:PassedToService': 'scheduler.amazonaws.com' })).toBe(false);
  });

  it("allows no action by wildcard, nothing on every resource, and nothing on the account's other resources or app.json's schedules", () => {
    expect(broadness(statements)).toEqual([]);
    const operatorsSchedule = arn('scheduler', `schedule/${group}/trash-day`);
    const allowedThere = statementActions(statements).filter((action) => allows(statements, action, operatorsSchedule));
    expect(allowedThere).toEqual([]);
  });
});

/** Other resources of the same account: no role of the template may touch them. */
const OTHERS = [
  arn('dynamodb', 'table/another-table'),
  arn('dynamodb', 'table/another-table/index/bySubscriberZone'),
  arn('sqs', 'another-queue'),
  arn('scheduler', 'schedule/another-group/u.0123456789abcdef.reminder'),
  arn('lambda', 'function:another-function'),
  arn('logs', 'log-group:/aws/lambda/another-function:log-stream:x'),
  `arn:aws:iam::${STACK.account}:role/another-role`,
];

/** What is too broad in these statements: a wildcard action, the resource `*`, or any action allowed on OTHERS. */
function broadness(statements: Statement[]): string[] {
  const actions = statementActions(statements);
  return [
    ...actions.filter((action) => action.includes('*')).map((action) => `wildcard action ${action}`),
    ...statements.filter((statement) => [statement.Resource].flat().includes('*')).map((statement) => `Resource "*" in ${statement.Sid ?? JSON.stringify(statement.Action)}`),
    ...OTHERS.flatMap((other) => actions.filter((action) => allows(statements, action, other, { 'iam:PassedToService': 'scheduler.amazonaws.com' })).map((action) => `${action} on ${other}`)),
  ];
}

function statementActions(statements: Statement[]): string[] {
  return [...new Set(statements.flatMap((statement) => [statement.Action].flat()))];
}

/** The AWS SDK clients the plugin uses, and how each command maps to the IAM action that authorizes it. */
const CLIENTS: Record<string, (operation: string) => string | undefined> = {
  '@aws-sdk/client-dynamodb': (operation) => `dynamodb:${operation}`,
  // The document client's commands are the table's operations under shorter names.
  '@aws-sdk/lib-dynamodb': (operation) => {
    const items: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', Query: 'Query', Scan: 'Scan', BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem' };
    return items[operation] && `dynamodb:${items[operation]}`;
  },
  '@aws-sdk/client-scheduler': (operation) => `scheduler:${operation}`,
  // A batch is authorized by its single operation's action: IAM has no sqs:SendMessageBatch.
  '@aws-sdk/client-sqs': (operation) => `sqs:${operation.replace(/Batch$/, '')}`,
};

/**
 * Calls made with the operator's credentials rather than the function's: the trigger script's commands (cli/), and
 * `schedules deploy`'s reading and writing of the schedule group. The test checks that only cli/ imports the latter.
 */
const OPERATORS: Record<string, string[]> = { 'schedules/deploy.ts': ['readDeployed', 'applyDeployment'] };

interface SdkCall {
  file: string;
  within?: string;
  command: string;
  action: string;
}

/** Every `new <X>Command(…)` in the plugin's sources that the function runs, with its IAM action, or why it has none. */
function sdkCalls(): { calls: SdkCall[]; unknown: string[] } {
  const calls: SdkCall[] = [];
  const unknown: string[] = [];
  for (const [file, functions] of Object.entries(OPERATORS)) {
    const importers = sources(PLUGIN_SOURCES).filter(({ source }) =>
      [...source.matchAll(/(?:import|export)\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'([^']+)'/g)].some(
        ([, names, from]) => from.endsWith(file.replace(/\.ts$/, '')) && functions.some((name) => new RegExp(`\\b${name}\\b`).test(names)),
      ),
    );
    unknown.push(...importers.filter(({ file: importer }) => !importer.startsWith('cli/')).map(({ file: importer }) => `${importer} uses ${functions.join(' or ')} of ${file}: the function would call them with its own role`));
  }
  for (const { file, source } of sources(PLUGIN_SOURCES)) {
    if (file.startsWith('cli/')) continue;
    const imported = Object.keys(CLIENTS).filter((module) => source.includes(`'${module}'`));
    const visit = (node: ts.Node) => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && /^[A-Z]\w*Command$/.test(node.expression.text)) {
        const command = node.expression.text;
        const within = enclosingFunction(node);
        if (within && OPERATORS[file]?.includes(within)) return;
        const modules = imported.filter((module) => typeof (require(module) as Record<string, unknown>)[command] === 'function');
        const actions = [...new Set(modules.map((module) => CLIENTS[module](command.replace(/Command$/, ''))))];
        if (modules.length === 0) unknown.push(`${file}: new ${command}(…) is a command of none of ${Object.keys(CLIENTS).join(', ')} that the file imports`);
        else if (actions.length !== 1 || actions[0] === undefined) unknown.push(`${file}: new ${command}(…) of ${modules.join(', ')} has no IAM action in CLIENTS`);
        else calls.push({ file, within, command, action: actions[0] });
      }
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true));
  }
  return { calls, unknown };
}

/** The name of the function, method or variable-held function around `node`. */
function enclosingFunction(node: ts.Node): string | undefined {
  for (let at = node.parent; at; at = at.parent) {
    if ((ts.isFunctionDeclaration(at) || ts.isMethodDeclaration(at)) && at.name) return at.name.getText();
    if ((ts.isArrowFunction(at) || ts.isFunctionExpression(at)) && ts.isVariableDeclaration(at.parent)) return at.parent.name.getText();
  }
  return undefined;
}

/** The TypeScript files below `dir`, by their path from it (with forward slashes). */
function sources(dir: string): Array<{ file: string; source: string }> {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file: file.split(path.sep).join('/'), source: fs.readFileSync(path.join(dir, file), 'utf8') }));
}

/** What runs on Lambda: the plugin but its trigger script, and the template but its other entries. */
function lambdaSideSources(): Array<{ file: string; source: string }> {
  const plugin = sources(PLUGIN_SOURCES).filter(({ file }) => !file.startsWith('cli/'));
  const skill = sources(path.join(root, 'src')).filter(({ file }) => !file.startsWith('entry/') || file === 'entry/lambda.ts');
  return [...plugin, ...skill];
}
