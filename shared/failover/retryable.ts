import { DependencyUnavailableError, GovdrError } from "../errors.ts";

const throttling = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TransactionConflictException",
]);

/**
 * An AWS error worth trying again (throttled, or the service failed) as the DependencyUnavailableError
 * the state machines retry by name; every other error is left as it is.
 */
export function asRetryable(error: unknown): unknown {
  if (error instanceof GovdrError || !(error instanceof Error)) return error;
  const aws = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = aws.$metadata?.httpStatusCode ?? 0;
  if (!aws.$retryable && !throttling.has(aws.name) && status < 500) return error;
  return new DependencyUnavailableError(`${aws.name}: ${aws.message}`, { cause: error });
}
