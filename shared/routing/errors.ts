import { errorClass } from "../errors.ts";
import type { SiteAction } from "./route.ts";

/** The route could not be pointed at the asked site (Route 53 refused, the unit's webhook failed). */
export class RouteSwitchFailedError extends errorClass("ROUTE_SWITCH_FAILED") {}

/** The unit's side could not fence (or unfence) a site: hold its traffic and writes off. */
export class FenceFailedError extends errorClass("FENCE_FAILED") {}

/** The unit's side could not resynchronise a site from the one now serving. */
export class ResyncFailedError extends errorClass("RESYNC_FAILED") {}

/** The unit's side could not promote the DR site (bring its warm copy up to serve). */
export class RecoveryFailedError extends errorClass("RECOVERY_FAILED") {}

/** The named error a failed switch or site action throws, so that a Catch can tell them apart. */
export function failureFor(action: SiteAction | "switch"): typeof RouteSwitchFailedError {
  switch (action) {
    case "switch":
      return RouteSwitchFailedError;
    case "fence":
    case "unfence":
      return FenceFailedError;
    case "resync":
      return ResyncFailedError;
    case "promote":
      return RecoveryFailedError;
  }
}
