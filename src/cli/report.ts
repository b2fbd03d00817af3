import { describeIssue, type Issue } from '../proactive';

/** The problems and warnings of a validation, one per line, for people. */
export function problemLines(issues: readonly Issue[], warnings: readonly Issue[]): string {
  return [...issues.map((issue) => `  - ${describeIssue(issue)}\n`), ...warnings.map((warning) => `  warning: ${describeIssue(warning)}\n`)].join('');
}

/** An issue as it appears in --json output. */
export function issueJson({ path, message, value }: Issue): { path: string; message: string; value?: unknown } {
  return value === undefined ? { path, message } : { path, message, value };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
