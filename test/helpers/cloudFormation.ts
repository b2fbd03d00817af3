/**
 * infra/template.yaml as CloudFormation would deploy it, offline: its intrinsic functions resolved for one pretended
 * stack, with the names and ARNs CloudFormation would give its resources, so that tests compare what the template
 * makes (an environment variable's value, a policy's resource) with what the code expects. A reference to a
 * parameter, resource or attribute that does not exist, or an intrinsic function this reader does not know, throws:
 * CloudFormation would refuse the template too.
 */

export interface ParameterDeclaration {
  Type: string;
  Description?: string;
  Default?: string | number;
  AllowedValues?: Array<string | number>;
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  MinLength?: number;
  MaxLength?: number;
  NoEcho?: boolean;
}

export interface ResourceDeclaration {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Template {
  Description?: string;
  Parameters: Record<string, ParameterDeclaration>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources: Record<string, ResourceDeclaration>;
  Outputs?: Record<string, { Description?: string; Value: unknown }>;
}

/** The stack a rendering pretends to deploy. */
export const STACK = { name: 'proactive-alerts', region: 'us-east-1', account: '123456789012', partition: 'aws' } as const;

const PSEUDO: Record<string, string> = {
  'AWS::StackName': STACK.name,
  'AWS::Region': STACK.region,
  'AWS::AccountId': STACK.account,
  'AWS::Partition': STACK.partition,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The property that names a resource of each type; without it, CloudFormation makes a name of the stack and the logical id. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Scheduler::ScheduleGroup': 'Name',
};

const arn = (service: string, resource: string, region: string = STACK.region) => `arn:${STACK.partition}:${service}:${region}:${STACK.account}:${resource}`;

/** Each type's `Ref` and `Fn::GetAtt` values, from the resource's name, as AWS documents them per resource. */
const VALUES: Record<string, { ref?: (name: string) => string; attributes: Record<string, (name: string) => string> }> = {
  'AWS::Lambda::Function': { attributes: { Arn: (name) => arn('lambda', `function:${name}`) } },
  'AWS::DynamoDB::Table': { attributes: { Arn: (name) => arn('dynamodb', `table/${name}`) } },
  'AWS::SQS::Queue': {
    ref: (name) => `https://sqs.${STACK.region}.amazonaws.com/${STACK.account}/${name}`,
    attributes: { Arn: (name) => arn('sqs', name), QueueName: (name) => name, QueueUrl: (name) => `https://sqs.${STACK.region}.amazonaws.com/${STACK.account}/${name}` },
  },
  'AWS::IAM::Role': { attributes: { Arn: (name) => arn('iam', `role/${name}`, ''), RoleId: () => 'AROAEXAMPLEROLEID' } },
  'AWS::Logs::LogGroup': { attributes: { Arn: (name) => arn('logs', `log-group:${name}:*`) } },
  'AWS::Scheduler::ScheduleGroup': { attributes: { Arn: (name) => arn('scheduler', `schedule-group/${name}`) } },
  'AWS::Lambda::Url': { attributes: { FunctionUrl: () => `https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.${STACK.region}.on.aws/`, FunctionArn: () => arn('lambda', `function:${STACK.name}`) } },
};

/** The template resolved with these parameter values (the others at their defaults). */
export class Rendering {
  /** The parameters the rendered parts referred to. */
  readonly used = new Set<string>();
  readonly parameters: Record<string, string>;

  constructor(
    readonly template: Template,
    given: Record<string, string> = {},
  ) {
    const defaults = Object.entries(template.Parameters).filter(([, declaration]) => declaration.Default !== undefined);
    this.parameters = { ...Object.fromEntries(defaults.map(([name, declaration]) => [name, String(declaration.Default)])), ...given };
  }

  /** A resource's properties, resolved. */
  properties(id: string): Record<string, any> {
    return this.value(this.#resource(id).Properties ?? {}) as Record<string, any>;
  }

  /** What `Ref` of a parameter, pseudo parameter or resource gives. */
  ref(name: string): string {
    if (name in PSEUDO) return PSEUDO[name];
    if (name in this.template.Parameters) {
      this.used.add(name);
      if (!(name in this.parameters)) throw new Error(`Ref ${name}: the parameter has no default and the rendering was given no value`);
      return this.parameters[name];
    }
    const { Type } = this.#resource(name);
    return VALUES[Type]?.ref?.(this.name(name)) ?? this.name(name);
  }

  /** What `Fn::GetAtt` of a resource's attribute gives. */
  attribute(id: string, attribute: string): string {
    const { Type } = this.#resource(id);
    const value = VALUES[Type]?.attributes[attribute];
    if (!value) throw new Error(`Fn::GetAtt ${id}.${attribute}: ${Type} has no attribute ${attribute} that this reader knows (${Object.keys(VALUES[Type]?.attributes ?? {}).join(', ') || 'none'})`);
    return value(this.name(id));
  }

  /** The resource's physical name: its name property, or one CloudFormation would make. */
  name(id: string): string {
    const { Type, Properties = {} } = this.#resource(id);
    const property = NAME_PROPERTY[Type];
    if (property && Properties[property] !== undefined) return String(this.value(Properties[property]));
    return `${STACK.name}-${id}-1A2B3C4D5E6F`;
  }

  /** An expression with every intrinsic function resolved. */
  value(expression: unknown): unknown {
    if (Array.isArray(expression)) return expression.map((item) => this.value(item));
    if (typeof expression !== 'object' || expression === null) return expression;
    const keys = Object.keys(expression);
    const [key] = keys;
    if (keys.length === 1 && (key === 'Ref' || key.startsWith('Fn::'))) return this.#intrinsic(key, (expression as Record<string, unknown>)[key]);
    return Object.fromEntries(Object.entries(expression).map(([name, value]) => [name, this.value(value)]));
  }

  #intrinsic(name: string, argument: unknown): unknown {
    if (name === 'Ref') return this.ref(String(argument));
    if (name === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return this.attribute(String(id), String(attribute));
    }
    if (name === 'Fn::Sub') return this.#sub(argument);
    if (name === 'Fn::FindInMap') {
      const [map, first, second] = (argument as unknown[]).map((part) => String(this.value(part)));
      const value = this.template.Mappings?.[map]?.[first]?.[second];
      if (value === undefined) throw new Error(`Fn::FindInMap [${map}, ${first}, ${second}]: the template's Mappings have no such entry`);
      return value;
    }
    throw new Error(`${name}: an intrinsic function test/helpers/cloudFormation.ts does not resolve; add it there`);
  }

  #sub(argument: unknown): string {
    const [text, variables = {}] = Array.isArray(argument) ? (argument as [string, Record<string, unknown>]) : [String(argument)];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in variables) return String(this.value(variables[name]));
      const [id, attribute] = name.split('.');
      return attribute === undefined ? this.ref(id) : this.attribute(id, attribute);
    });
  }

  #resource(id: string): ResourceDeclaration {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`${id}: neither a parameter, a pseudo parameter nor a resource of the template`);
    return resource;
  }
}

/** Why `value` is not a value the parameter takes (as CloudFormation checks it before deploying), or undefined. */
export function parameterProblem(name: string, declaration: ParameterDeclaration, value: string): string | undefined {
  const { AllowedValues, AllowedPattern, MinValue, MaxValue, MinLength, MaxLength, Type } = declaration;
  if (AllowedValues && !AllowedValues.map(String).includes(value)) return `${name} ${JSON.stringify(value)}: allowed are ${AllowedValues.join(', ')}`;
  if (AllowedPattern && !new RegExp(AllowedPattern).test(value)) return `${name} ${JSON.stringify(value)}: does not match ${AllowedPattern}`;
  if (Type === 'Number' && !Number.isFinite(Number(value))) return `${name} ${JSON.stringify(value)}: not a number`;
  if (MinValue !== undefined && Number(value) < MinValue) return `${name} ${value}: below MinValue ${MinValue}`;
  if (MaxValue !== undefined && Number(value) > MaxValue) return `${name} ${value}: above MaxValue ${MaxValue}`;
  if (MinLength !== undefined && value.length < MinLength) return `${name}: shorter than MinLength ${MinLength}`;
  if (MaxLength !== undefined && value.length > MaxLength) return `${name}: longer than MaxLength ${MaxLength}`;
  return undefined;
}
