import type * as z from 'zod/mini';
import type { ResponseIssue } from './errors/transport.js';

// zod/mini ships no message locale (that keeps the bundle small), so its
// default message is "Invalid input". Say what was wrong, from the issue itself.
// The checks of our schemas are refinements that carry their own message (see
// checks.ts), so only zod's structural issues are left to word here.
function describe(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    default:
      return 'is invalid';
  }
}

/** zod issues as `{ path, message }`, readable without a zod locale. */
export function toIssues(error: z.core.$ZodError, fallbackPath = ''): ResponseIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || fallbackPath,
    message: describe(issue),
  }));
}
