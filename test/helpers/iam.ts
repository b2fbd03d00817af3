/**
 * IAM's evaluation of an identity policy, for the statements a template gives a role: whether it allows an action on
 * a resource, in a request context. Enough for least-privilege checks: wildcards in actions and resources as IAM
 * matches them, Allow and Deny, and the condition operators the template uses; any other operator throws rather than
 * being taken as true. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The inline statements of a rendered AWS::IAM::Role; managed policies cannot be read offline, so they are refused. */
export function roleStatements(role: { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }>; ManagedPolicyArns?: unknown }): Statement[] {
  if (role.ManagedPolicyArns !== undefined) throw new Error('ManagedPolicyArns: what a managed policy allows cannot be checked here; write the statements inline');
  return (role.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
}

/** True when the statements allow `action` on `resource` with these request context keys (no Deny matching). */
export function allows(statements: readonly Statement[], action: string, resource: string, context: Record<string, string> = {}): boolean {
  const matching = statements.filter((statement) => applies(statement, action, resource, context));
  return matching.some((statement) => statement.Effect === 'Allow') && !matching.some((statement) => statement.Effect === 'Deny');
}

function applies(statement: Statement, action: string, resource: string, context: Record<string, string>): boolean {
  return (
    list(statement.Action).some((pattern) => wildcard(pattern, action, 'i')) &&
    list(statement.Resource).some((pattern) => wildcard(pattern, resource, '')) &&
    Object.entries(statement.Condition ?? {}).every(([operator, keys]) => Object.entries(keys).every(([key, values]) => holds(operator, context[key], list(values))))
  );
}

/** A condition on one key: absent from the context, it does not hold (as IAM has it for these operators). */
function holds(operator: string, value: string | undefined, wanted: string[]): boolean {
  if (value === undefined) return false;
  if (operator === 'StringEquals') return wanted.includes(value);
  if (operator === 'StringLike') return wanted.some((pattern) => wildcard(pattern, value, ''));
  throw new Error(`Condition operator ${operator}: not evaluated by test/helpers/iam.ts; add it there`);
}

/** IAM's wildcards: `*` any run of characters (slashes included), `?` one character. Actions match whatever their case. */
function wildcard(pattern: string, value: string, flags: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, flags).test(value);
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
