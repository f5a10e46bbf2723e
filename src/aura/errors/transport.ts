import { AuraError, type AuraErrorOptions, describeRequest, requestIdSuffix } from './base.js';

/** The request never got an answer: DNS, refused or dropped connection. */
export class AuraNetworkError extends AuraError {
  override readonly name = 'AuraNetworkError' as const;
  readonly code = 'network' as const;

  constructor(options: AuraErrorOptions) {
    super(`Network error on ${describeRequest(options.request)}`, options);
  }
}

/** No answer within the timeout (of one attempt, or of a wait). */
export class AuraTimeoutError extends AuraError {
  override readonly name = 'AuraTimeoutError' as const;
  readonly code = 'timeout' as const;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options: AuraErrorOptions & { what?: string } = {}) {
    super(
      `${options.what ?? describeRequest(options.request)} timed out after ${timeoutMs} ms`,
      options,
    );
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `signal` aborted the call. `cause` is the signal's reason. */
export class AuraAbortError extends AuraError {
  override readonly name = 'AuraAbortError' as const;
  readonly code = 'aborted' as const;

  constructor(options: AuraErrorOptions & { what?: string } = {}) {
    super(`${options.what ?? describeRequest(options.request)} was aborted`, options);
  }
}

/** One problem found in an answer: where (`data.status`) and what. */
export interface ResponseIssue {
  path: string;
  message: string;
}

/** Aura answered with a success status but a body that breaks the contract. */
export class AuraInvalidResponseError extends AuraError {
  override readonly name = 'AuraInvalidResponseError' as const;
  readonly code = 'invalid_response' as const;
  readonly issues: ResponseIssue[];

  constructor(issues: ResponseIssue[], options: AuraErrorOptions = {}) {
    const summary = issues.map((issue) => `${issue.path || '(body)'}: ${issue.message}`);
    super(
      `Aura answered ${describeRequest(options.request)} with an unexpected body: ${summary.join('; ')}${requestIdSuffix(options.request)}`,
      options,
    );
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}
