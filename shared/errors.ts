import type { ZodError } from "zod";

/**
 * Named errors. Step Functions Retry/Catch and the API error mapping both match on `name`, so every
 * subclass sets it explicitly (minifiers rename classes). `code` is the stable API error code.
 */
export abstract class GovdrError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** zod's issues as the field errors a ValidationError carries (`path` dotted, e.g. `backup.schedule`). */
export function fieldErrorsOf(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

export class ValidationError extends GovdrError {
  override readonly name = "ValidationError";
  readonly code = "VALIDATION_FAILED";
  readonly httpStatus = 400;

  constructor(
    message: string,
    readonly fieldErrors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends GovdrError {
  override readonly name = "NotFoundError";
  readonly code = "NOT_FOUND";
  readonly httpStatus = 404;
}

/** A platform dependency (table, bucket, key) could not be reached; worth retrying. */
export class DependencyUnavailableError extends GovdrError {
  override readonly name = "DependencyUnavailableError";
  readonly code = "DEPENDENCY_UNAVAILABLE";
  readonly httpStatus = 503;
}

/** A platform dependency answered, but is misconfigured; retrying will not help. */
export class MisconfigurationError extends GovdrError {
  override readonly name = "MisconfigurationError";
  readonly code = "MISCONFIGURED";
  readonly httpStatus = 500;
}

/** No valid session: missing, expired, forged or revoked token, or wrong credentials. */
export class UnauthenticatedError extends GovdrError {
  override readonly name = "UnauthenticatedError";
  readonly code:
    | "UNAUTHENTICATED"
    | "INVALID_CREDENTIALS"
    | "ACCOUNT_LOCKED"
    | "INVALID_MFA_CODE"
    | "SESSION_ENDED";
  readonly httpStatus = 401;

  constructor(message: string, code: UnauthenticatedError["code"] = "UNAUTHENTICATED") {
    super(message);
    this.code = code;
  }
}

/** A sensitive action (policy change, failover approval, key operation) needs a fresh sign-in. */
export class ReauthenticationRequiredError extends GovdrError {
  override readonly name = "ReauthenticationRequiredError";
  readonly code = "REAUTHENTICATION_REQUIRED";
  readonly httpStatus = 401;
}

/** Signed in, but the role, tenant, IP allow-list or session scope does not permit this. */
export class ForbiddenError extends GovdrError {
  override readonly name = "ForbiddenError";
  readonly code: string;
  readonly httpStatus = 403;

  constructor(message: string, code = "FORBIDDEN") {
    super(message);
    this.code = code;
  }
}

/** The request conflicts with the resource's current state (wrong lifecycle state, duplicate name). */
export class ConflictError extends GovdrError {
  override readonly name = "ConflictError";
  readonly code: string;
  readonly httpStatus = 409;

  constructor(message: string, code = "CONFLICT") {
    super(message);
    this.code = code;
  }
}

/**
 * A DR policy that cannot meet its system's targets or scheme (R-CL-02/08/10 …). The answer lists
 * every finding with the requirement it applies, so the operator sees all problems at once.
 */
export class PolicyRejectedError extends GovdrError {
  override readonly name = "PolicyRejectedError";
  readonly code = "POLICY_REJECTED";
  readonly httpStatus = 400;

  constructor(
    message: string,
    readonly findings: {
      rule: string;
      code: string;
      severity: string;
      path?: string;
      message: { zh: string; en: string };
    }[],
  ) {
    super(message);
  }
}
