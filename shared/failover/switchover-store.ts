import type { Page } from "../stores/page.ts";
import type { Switchover } from "./switchover.ts";

/**
 * Switchovers of each unit, newest first, and each system's switch slot: a system takes part in one
 * switchover at a time (a second is 409 FAILOVER_RUNNING).
 */
export interface SwitchoverStore {
  /**
   * Stores a new switchover (version 1) and takes the slot of each of its systems until `slotUntil`,
   * atomically; a ConflictError FAILOVER_RUNNING, naming the system and the switchover holding it.
   */
  start(switchover: Switchover, slotUntil: Date): Promise<void>;
  get(tenantId: string, switchId: string): Promise<Switchover | undefined>;
  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<Switchover>>;
  /**
   * Writes `switchover` if the stored version is `version - 1` (else STALE_VERSION); one that has
   * ended gives its systems' slots back.
   */
  update(switchover: Switchover): Promise<void>;
  /** The approval gate's task token, kept apart from the record every reader sees. */
  putApprovalToken(tenantId: string, switchId: string, token: string, expiresAt: string): Promise<void>;
  approvalToken(tenantId: string, switchId: string): Promise<string | undefined>;
  /** Open approval gates whose deadline is before `now`, for the sweep to expire. */
  dueApprovals(now: Date): Promise<{ tenantId: string; switchId: string }[]>;
  /** Takes a decided (or expired) gate off the list of open ones. */
  closeApproval(tenantId: string, switchId: string): Promise<void>;
  /**
   * Whether the end of the switchover was announced (notified and audited), and marking it so: a
   * retried Finish announces what an earlier attempt could not, and nothing twice.
   */
  announced(tenantId: string, switchId: string): Promise<boolean>;
  markAnnounced(tenantId: string, switchId: string): Promise<void>;
  /** The switchovers that hold a slot whose time is up (their execution died): the sweep ends them. */
  expiredSlots(now: Date): Promise<{ tenantId: string; switchId: string }[]>;
}
