import { describeIssue, type Issue } from '../issues';

/** Where the examples of Amazon's schema page are, as request bodies, in a project that installed the library. */
export const EXAMPLES = 'node_modules/alexa-proactive-events/examples';

/** The problems and warnings of a validation, one per line, for people. */
export function problemLines(issues: readonly Issue[], warnings: readonly Issue[]): string {
  return [...issues.map((issue) => `  - ${describeIssue(issue)}\n`), ...warnings.map((warning) => `  warning: ${describeIssue(warning)}\n`)].join('');
}

/** An issue as it appears in --json output. */
export function issueJson({ path, message, value }: Issue): { path: string; message: string; value?: unknown } {
  return value === undefined ? { path, message } : { path, message, value };
}

/** `1 problem`, `2 problems`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
