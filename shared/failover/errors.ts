import { errorClass } from "../errors.ts";

/** The precheck found what must stop the switchover before anything is touched. */
export class PrecheckFailedError extends errorClass("PRECHECK_FAILED") {}
/** A site did not answer its health check (retried by the state machines, then the wave rolls back). */
export class HealthCheckFailedError extends errorClass("HEALTH_CHECK_FAILED") {}
