import { type RecoveryPriority, recoveryPriority } from "./scales.ts";

/** How data reaches the DR side, weakest first. */
export const replicationModes = ["scheduled-backup", "database-replication-or-cdp", "real-time"] as const;
export type ReplicationMode = (typeof replicationModes)[number];

/** How business moves to the DR side, weakest first. */
export const switchoverModes = ["restore-from-dr", "manual", "automatic"] as const;
export type SwitchoverMode = (typeof switchoverModes)[number];

export interface PrioritySchemeSpec {
  priority: RecoveryPriority;
  /** 000 §6 Table 1, as printed. */
  schemes: { zh: string; en: string };
  /** The weakest configuration that still fits the scheme (interpretation, R-CL-08). */
  minimum: { replication: ReplicationMode; switchover: SwitchoverMode; remoteDrSystem: boolean };
}

/** 000 §6 Table 1: DR schemes allowed for each recovery priority (5 = highest). */
export const prioritySchemes: readonly PrioritySchemeSpec[] = [
  {
    priority: recoveryPriority(1),
    schemes: { zh: "定时本地备份+远程备份", en: "Scheduled local backup + remote backup." },
    minimum: { replication: "scheduled-backup", switchover: "restore-from-dr", remoteDrSystem: false },
  },
  {
    priority: recoveryPriority(2),
    schemes: {
      zh: "1、定时本地备份和远程备份 2、从远程灾备系统直接恢复到业务系统",
      en: "(1) Scheduled local and remote backup. (2) Restore directly from the remote DR system to the business system.",
    },
    minimum: { replication: "scheduled-backup", switchover: "restore-from-dr", remoteDrSystem: false },
  },
  {
    priority: recoveryPriority(3),
    schemes: {
      zh: "1、业务冷备和数据库复制/CDP 连续数据保护 2、远程完整灾备系统 3、业务手动切换到灾备端",
      en: "(1) Cold standby plus database replication or CDP. (2) A complete remote DR system. (3) Manual switchover to the DR side.",
    },
    minimum: { replication: "database-replication-or-cdp", switchover: "manual", remoteDrSystem: true },
  },
  {
    priority: recoveryPriority(4),
    schemes: {
      zh: "1、业务热备和数据实时复制 2、远程完整灾备系统 3、业务自动/手动切换到灾备端 4、需要业务端定制开发",
      en: "(1) Hot standby plus real-time replication. (2) A complete remote DR system. (3) Automatic or manual switchover. (4) Custom development on the business side.",
    },
    minimum: { replication: "real-time", switchover: "manual", remoteDrSystem: true },
  },
  {
    priority: recoveryPriority(5),
    schemes: {
      zh: "1、业务连续性和数据实时复制 2、远程完整灾备系统 3、业务自动切换到灾备端 4、需要业务端定制开发",
      en: "(1) Business continuity plus real-time replication. (2) A complete remote DR system. (3) Automatic switchover to the DR side. (4) Custom development on the business side.",
    },
    minimum: { replication: "real-time", switchover: "automatic", remoteDrSystem: true },
  },
];

export function prioritySchemeSpec(priority: RecoveryPriority): PrioritySchemeSpec {
  return prioritySchemes[priority - 1] as PrioritySchemeSpec;
}

export const rank = {
  replication: (mode: ReplicationMode) => replicationModes.indexOf(mode),
  switchover: (mode: SwitchoverMode) => switchoverModes.indexOf(mode),
};
