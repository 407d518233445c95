import { defineMessages } from "../../i18n/messages.ts";
import type { AlarmKind, MeasureState, SystemCall } from "./dashboard-model.ts";

/** Every text of the dashboard, in both languages. */
export const dashboardTexts = defineMessages({
  zh: {
    title: "概览",
    intro:
      "本单位业务系统的灾备运行情况：恢复指标达标、受保护数据量与重复数据删除、备份任务和演练成效、当前告警。",
    refresh: "刷新",
    colon: "：",
    paren: (before: string, inside: string) => `${before}（${inside}）`,
    checkedAt: (at: string) => `数据时间：${at}`,
    loading: "正在加载…",
    progress: (done: number, total: number) => `正在加载各业务系统的数据（${done}/${total}）…`,
    cardSystems: "业务系统",
    cardCompliant: "指标达标",
    cardCompliantNote: (n: number) => (n > 0 ? `另有 ${n} 个尚未测得` : "有策略、RPO 在目标内且最近演练通过"),
    cardBreaches: "指标未达标",
    cardBreachesNote: "当前 RPO 超标或最近演练 RTO 超标",
    cardLastDrill: "最近一次演练",
    cardNoDrill: "尚未演练",
    cardAlarms: "当前告警",
    noSystems: "还没有登记业务系统。",
    noSystemsLink: "登记业务系统",
    // Compliance
    complianceTitle: "RPO/RTO 达标情况",
    complianceText:
      "RPO：当前可达 RPO（现在距灾备库中最新完整快照的时间）与目标对比；RTO：最近一次完成的演练实测值与目标对比。",
    rpoChart: "各业务系统的 RPO：可达值与目标",
    rtoChart: "各业务系统的 RTO：最近演练实测值与目标",
    achieved: "实测/可达",
    target: "目标",
    rpoSummary: (ok: number, breach: number, unmeasured: number) =>
      `RPO：${ok} 个在目标内，${breach} 个超标，${unmeasured} 个尚未测得。`,
    rtoSummary: (ok: number, breach: number, unmeasured: number) =>
      `RTO：${ok} 个在目标内，${breach} 个超标，${unmeasured} 个尚无演练实测值。`,
    complianceCaption: "各业务系统的 RPO/RTO（精确数值）",
    colSystem: "业务系统",
    colPolicy: "灾备策略",
    colTargetRpo: "RPO 目标",
    colAchievableRpo: "可达 RPO",
    colRpoState: "RPO",
    colTargetRto: "RTO 目标",
    colDrillRto: "演练 RTO",
    colRtoState: "RTO",
    colDrillRpo: "演练 RPO",
    colNewestDrill: "最近演练",
    colCompliant: "达标",
    policyVersion: (v: number) => `第 ${v} 版`,
    noPolicy: "未设置",
    state: (state: MeasureState) =>
      ({
        ok: "达标",
        breach: "超标",
        "not-measured": "尚未测得",
        "not-replicable": "未复制到灾备库",
        unknown: "无法获取",
      })[state],
    yes: "是",
    no: "否",
    none: "—",
    pass: "通过",
    fail: "未通过",
    drillFailed: "演练中断",
    notMeasuredNote: "尚未测得：还没有快照或复制到灾备库的快照，或还没有完成的演练。",
    // Storage
    storageTitle: "受保护数据量与重复数据删除",
    storageChart: "各业务系统的受保护数据量与写入存储量",
    protected: "受保护数据量",
    stored: "写入存储量",
    storageText: (n: number) =>
      `受保护数据量为各系统最新快照的数据量。重复数据删除比 = 所统计快照的数据量之和 ÷ 这些快照实际新写入灾备库的数据量之和（新数据块的原始大小）；每个系统统计最近 ${n} 个快照。`,
    storageSummary: (protectedBytes: string, ratio: string, snapshots: number) =>
      `共保护 ${protectedBytes}，统计 ${snapshots} 个快照，重复数据删除比 ${ratio}。`,
    storageCaption: "各业务系统的数据量（精确数值）",
    colSnapshots: "快照数",
    colLogical: "快照数据量合计",
    colStoredBytes: "新写入量合计",
    colRatio: "重复数据删除比",
    total: "合计",
    noSnapshots: "还没有快照。",
    noSnapshotsYet:
      "各业务系统都还没有快照，暂无数据量可画：第一次备份完成后这里会显示受保护数据量和重复数据删除比。",
    ratioText: (ratio: string) => `${ratio} : 1`,
    // Success
    successTitle: "备份任务与演练成效（最近 14 天）",
    successChart: "每天完成的演练和备份任务",
    drillsPassed: "演练通过",
    drillsFailed: "演练未通过",
    jobsCompleted: "备份成功",
    jobsFailed: "备份失败",
    count: "次数",
    successSummary: (dp: number, df: number, jc: number, jf: number) =>
      `最近 14 天：演练通过 ${dp} 次、未通过 ${df} 次；备份任务成功 ${jc} 次、失败 ${jf} 次。`,
    successCaption: "每天的演练和备份任务（精确数值，只列有记录的日期）",
    colDay: "日期",
    noActivity: "最近 14 天没有完成的演练或备份任务。",
    successNote: "按每个系统最近 50 次演练和 50 个备份任务统计；未通过含因故中断的演练。",
    // Alarms
    alarmsTitle: "当前告警",
    noAlarms: "当前没有告警。",
    alarm: (kind: AlarmKind) =>
      ({
        "rpo-breach": "RPO 超标",
        "rto-breach": "最近演练 RTO 超标",
        "drill-failed": "最近一次演练未通过",
        "job-failed": "最近一次备份任务失败",
        "no-policy": "未设置灾备策略",
        "no-snapshot": "尚无快照",
        "not-replicable": "最新快照未复制到灾备库",
        "load-failed": "部分数据无法获取",
      })[kind],
    alarmDetail: (kind: AlarmKind) =>
      ({
        "rpo-breach": "灾备库中最新完整快照已超出 RPO 目标，请检查备份和复制。",
        "rto-breach": "演练实测恢复时间超出 RTO 目标，请检查恢复流程。",
        "drill-failed": "请查看演练报告中的发现项并处理后重新演练。",
        "job-failed": "请查看备份任务的错误信息。",
        "no-policy": "没有灾备策略，系统不会被备份或演练，请设置灾备策略。",
        "no-snapshot": "已设置策略但还没有快照：请确认备份代理或服务端备份已运行。",
        "not-replicable": "最新快照在本地仓库，不会复制到灾备库。",
        "load-failed": "该系统的部分数据加载失败，见下方错误说明。",
      })[kind],
    achievedVsTarget: (achieved: string, target: string) => `实测 ${achieved}，目标 ${target}`,
    open: "查看",
    calls: (calls: SystemCall[]) =>
      calls
        .map((c) => ({ replication: "复制状态", drills: "演练", backups: "备份任务", snapshots: "快照" })[c])
        .join("、"),
    systemErrorsTitle: "加载失败的数据",
    listError: "无法加载业务系统列表。",
  },
  en: {
    title: "Dashboard",
    intro:
      "How the unit's systems are protected: RPO/RTO compliance, protected data and deduplication, backup job and drill success, active alarms.",
    refresh: "Refresh",
    colon: ": ",
    paren: (before: string, inside: string) => `${before} (${inside})`,
    checkedAt: (at: string) => `Checked at ${at}`,
    loading: "Loading…",
    progress: (done: number, total: number) => `Loading each system's data (${done}/${total})…`,
    cardSystems: "Systems",
    cardCompliant: "Compliant",
    cardCompliantNote: (n: number) =>
      n > 0 ? `${n} more not measured yet` : "Policy set, RPO within target, newest drill passed",
    cardBreaches: "Target breaches",
    cardBreachesNote: "RPO over target now, or the newest drill's RTO",
    cardLastDrill: "Last drill",
    cardNoDrill: "No drill yet",
    cardAlarms: "Active alarms",
    noSystems: "No system is registered yet.",
    noSystemsLink: "Register a system",
    complianceTitle: "RPO/RTO compliance",
    complianceText:
      "RPO: the achievable RPO now (time since the newest snapshot complete in the DR vault) against its target; RTO: the newest completed drill's measurement against its target.",
    rpoChart: "RPO per system: achievable against target",
    rtoChart: "RTO per system: newest drill against target",
    achieved: "Achieved",
    target: "Target",
    rpoSummary: (ok: number, breach: number, unmeasured: number) =>
      `RPO: ${ok} within target, ${breach} over, ${unmeasured} not measured yet.`,
    rtoSummary: (ok: number, breach: number, unmeasured: number) =>
      `RTO: ${ok} within target, ${breach} over, ${unmeasured} without a drill measurement.`,
    complianceCaption: "RPO/RTO per system (exact values)",
    colSystem: "System",
    colPolicy: "DR policy",
    colTargetRpo: "RPO target",
    colAchievableRpo: "Achievable RPO",
    colRpoState: "RPO",
    colTargetRto: "RTO target",
    colDrillRto: "Drill RTO",
    colRtoState: "RTO",
    colDrillRpo: "Drill RPO",
    colNewestDrill: "Newest drill",
    colCompliant: "Compliant",
    policyVersion: (v: number) => `Version ${v}`,
    noPolicy: "None",
    state: (state: MeasureState) =>
      ({
        ok: "Within target",
        breach: "Over target",
        "not-measured": "Not measured yet",
        "not-replicable": "Not replicated",
        unknown: "Unavailable",
      })[state],
    yes: "Yes",
    no: "No",
    none: "—",
    pass: "PASS",
    fail: "FAIL",
    drillFailed: "Did not finish",
    notMeasuredNote:
      "Not measured yet: no snapshot, none replicated to the DR vault yet, or no completed drill.",
    storageTitle: "Protected data and deduplication",
    storageChart: "Protected and stored bytes per system",
    protected: "Protected",
    stored: "Stored",
    storageText: (n: number) =>
      `Protected: the newest snapshot's size of each system. Deduplication ratio = the counted snapshots' sizes added up ÷ what those snapshots newly wrote to the vault (new blobs, plain size); each system's newest ${n} snapshots are counted.`,
    storageSummary: (protectedBytes: string, ratio: string, snapshots: number) =>
      `${protectedBytes} protected; ${snapshots} snapshots counted; deduplication ratio ${ratio}.`,
    storageCaption: "Bytes per system (exact values)",
    colSnapshots: "Snapshots",
    colLogical: "Snapshot bytes",
    colStoredBytes: "Newly stored",
    colRatio: "Dedup ratio",
    total: "Total",
    noSnapshots: "No snapshot yet.",
    noSnapshotsYet:
      "No system has a snapshot yet, so there is nothing to plot: after the first backup this shows the protected bytes and the deduplication ratio.",
    ratioText: (ratio: string) => `${ratio} : 1`,
    successTitle: "Backup jobs and drills (last 14 days)",
    successChart: "Drills and backup jobs finished per day",
    drillsPassed: "Drills passed",
    drillsFailed: "Drills failed",
    jobsCompleted: "Jobs completed",
    jobsFailed: "Jobs failed",
    count: "Count",
    successSummary: (dp: number, df: number, jc: number, jf: number) =>
      `Last 14 days: ${dp} drills passed, ${df} failed; ${jc} backup jobs completed, ${jf} failed.`,
    successCaption: "Drills and backup jobs per day (exact values; days with any)",
    colDay: "Day",
    noActivity: "No drill or backup job finished in the last 14 days.",
    successNote:
      "Counts each system's newest 50 drills and 50 backup jobs; failed drills include those that could not finish.",
    alarmsTitle: "Active alarms",
    noAlarms: "No active alarm.",
    alarm: (kind: AlarmKind) =>
      ({
        "rpo-breach": "RPO over target",
        "rto-breach": "Newest drill over its RTO",
        "drill-failed": "Newest drill failed",
        "job-failed": "Newest backup job failed",
        "no-policy": "No DR policy",
        "no-snapshot": "No snapshot yet",
        "not-replicable": "Newest snapshot not replicated",
        "load-failed": "Some data unavailable",
      })[kind],
    alarmDetail: (kind: AlarmKind) =>
      ({
        "rpo-breach":
          "The newest complete snapshot in the DR vault is older than the RPO target: check backups and replication.",
        "rto-breach": "The drill's recovery took longer than the RTO target: review the recovery procedure.",
        "drill-failed": "Read the drill report's findings, fix them and drill again.",
        "job-failed": "Read the backup job's error.",
        "no-policy": "Without a DR policy the system is neither backed up nor drilled: set its policy.",
        "no-snapshot":
          "A policy is set but no snapshot exists: check that the agent or the server-side backup runs.",
        "not-replicable":
          "The newest snapshot is in a local repository, which is not replicated to the DR vault.",
        "load-failed": "Some of this system's data could not be loaded: see the errors below.",
      })[kind],
    achievedVsTarget: (achieved: string, target: string) => `achieved ${achieved}, target ${target}`,
    open: "Open",
    calls: (calls: SystemCall[]) =>
      calls
        .map(
          (c) =>
            ({
              replication: "replication",
              drills: "drills",
              backups: "backup jobs",
              snapshots: "snapshots",
            })[c],
        )
        .join(", "),
    systemErrorsTitle: "Data that could not be loaded",
    listError: "The list of systems could not be loaded.",
  },
});

export type DashboardTexts = ReturnType<typeof dashboardTexts.use>;
