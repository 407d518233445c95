import type { ZodError } from "zod";
import { type CodeOf, type ErrorCode, errorCatalogue } from "./error-codes.ts";

/** A sentence in both of the console's languages. */
export interface Bilingual {
  zh: string;
  en: string;
}

/**
 * Every error govdr throws on purpose. Its `code` is the stable key into `errorCatalogue`
 * (shared/error-codes.ts), which gives its `name` (what Step Functions Retry/Catch match; set from
 * the table, so minifiers renaming classes change nothing), its HTTP status and the agent's exit
 * code and hint. Callers branch on `code`, not on classes.
 */
export class GovdrError extends Error {
  override readonly name: string;
  /** The message in both languages, when people read it in the console. */
  readonly messages?: Bilingual;

  constructor(
    readonly code: ErrorCode,
    message: string | Bilingual,
    options?: ErrorOptions,
  ) {
    super(typeof message === "string" ? message : message.en, options);
    this.name = errorCatalogue[code].name;
    if (typeof message !== "string") this.messages = message;
  }

  get httpStatus(): number {
    return errorCatalogue[this.code].httpStatus;
  }
}

/**
 * The base of an error class that carries exactly one code: `class WrongKeyError extends
 * errorClass("WRONG_KEY") {}`. The class keeps its own name for stack traces; `name` is the table's.
 */
export function errorClass(code: ErrorCode) {
  return class extends GovdrError {
    constructor(message: string, options?: ErrorOptions) {
      super(code, message, options);
    }
  };
}

/** zod's issues as the field errors a ValidationError carries (`path` dotted, e.g. `backup.schedule`). */
export function fieldErrorsOf(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** The caller sent something invalid; `fieldErrors` names each field. */
export class ValidationError extends GovdrError {
  constructor(
    message: string,
    readonly fieldErrors: { path: string; message: string }[] = [],
  ) {
    super("VALIDATION_FAILED", message);
  }
}

export class NotFoundError extends errorClass("NOT_FOUND") {}

/** A platform dependency (table, bucket, key) could not be reached; worth retrying. */
export class DependencyUnavailableError extends errorClass("DEPENDENCY_UNAVAILABLE") {}

/** A platform dependency answered, but is misconfigured; retrying will not help. */
export class MisconfigurationError extends errorClass("MISCONFIGURED") {}

/**
 * An item read from a store does not match its schema: corrupted by hand or written by other code.
 * A 500 (never the caller's fault) whose log line names the item; its answer does not.
 */
export class StoredItemInvalidError extends GovdrError {
  constructor(
    readonly item: { table: string; key: Record<string, unknown> },
    readonly fieldErrors: { path: string; message: string }[],
  ) {
    super("STORED_ITEM_INVALID", `Stored item ${JSON.stringify(item.key)} in ${item.table} is invalid`);
  }
}

/** No valid session: missing, expired, forged or revoked token, or wrong credentials. */
export class UnauthenticatedError extends GovdrError {
  constructor(message: string, code: CodeOf<"UnauthenticatedError"> = "UNAUTHENTICATED") {
    super(code, message);
  }
}

/** A sensitive action (policy change, failover approval, key operation) needs a fresh sign-in. */
export class ReauthenticationRequiredError extends GovdrError {
  constructor(message: string | Bilingual) {
    super("REAUTHENTICATION_REQUIRED", message);
  }
}

/** Signed in, but the role, tenant, IP allow-list or session scope does not permit this. */
export class ForbiddenError extends GovdrError {
  constructor(message: string | Bilingual, code: CodeOf<"ForbiddenError"> = "FORBIDDEN") {
    super(code, message);
  }
}

/** The request conflicts with the resource's current state (wrong lifecycle state, duplicate name). */
export class ConflictError extends GovdrError {
  constructor(message: string, code: CodeOf<"ConflictError"> = "CONFLICT") {
    super(code, message);
  }
}

/**
 * A DR policy that cannot meet its system's targets or scheme (R-CL-02/08/10 …). The answer lists
 * every finding with the requirement it applies, so the operator sees all problems at once.
 */
export class PolicyRejectedError extends GovdrError {
  constructor(
    message: string,
    readonly findings: {
      rule: string;
      code: string;
      severity: string;
      path?: string;
      message: Bilingual;
    }[],
  ) {
    super("POLICY_REJECTED", message);
  }
}
