import { platformResourceRefusal, type ServerSource } from "../backups/server-sources.ts";
import type { Finding } from "../classification/findings.ts";
import type { DrPolicy } from "../policies/policy-schema.ts";
import { RecoveryFailedError } from "../routing/errors.ts";

/** An S3 prefix a site serves its data from, written through the unit's own role. */
export type DataLocation = Extract<ServerSource, { type: "s3-prefix" }>;

/**
 * Where a system recovered by restore keeps its data (D-51): the primary's S3 source, which its
 * backups read, and the DR site's prefix the failover restores into. Undefined for a system its
 * DR site holds the data of itself (`promote`).
 */
export function restoreLocations(
  policy: Pick<DrPolicy, "backup" | "failover">,
): { primary: DataLocation; dr: DataLocation } | undefined {
  const { recovery, drData } = policy.failover;
  if (recovery !== "restore") return undefined;
  const [source, ...others] = policy.backup.sources;
  if (!drData || others.length > 0 || source?.type !== "s3-prefix" || !source.roleArn) {
    // Refused when the policy was set (restoreRecoveryFindings); never promoted instead.
    throw new RecoveryFailedError(
      "The policy recovers by restore but names no DR data location and single S3 source; set the policy again",
    );
  }
  return {
    primary: { type: "s3-prefix", bucket: source.bucket, prefix: source.prefix, roleArn: source.roleArn },
    dr: { type: "s3-prefix", ...drData },
  };
}

const overlaps = (a: DataLocation, b: Pick<DataLocation, "bucket" | "prefix">) =>
  a.bucket === b.bucket && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));

/**
 * What a policy recovering by restore must say (R-FO-01, D-51): where the DR site's data goes, and
 * one S3 prefix as the backup source, so a failover restores the very data the primary serves and
 * a failback puts the DR side's back in the same place; the two places apart, neither the platform's.
 */
export function restoreRecoveryFindings(policy: Pick<DrPolicy, "backup" | "failover">): Finding[] {
  const { recovery, drData } = policy.failover;
  if (recovery !== "restore") return [];
  const findings: Finding[] = [];
  const error = (code: string, path: string, zh: string, en: string) =>
    findings.push({ rule: "R-FO-01", code, severity: "error", path, message: { zh, en } });
  if (!drData) {
    error(
      "RESTORE_TARGET_REQUIRED",
      "failover.drData",
      "按恢复点恢复（restore）需指定灾备站点的数据位置：灾备区域中的 S3 存储桶、前缀，以及本单位名为 govdr-source-<名称> 的角色。",
      "Recovery by restore needs failover.drData: the S3 bucket and prefix in the DR region the DR site serves its data from, and the unit's govdr-source-<name> role that may write it.",
    );
  }
  const sources = policy.backup.sources;
  if (sources.length !== 1 || sources[0]?.type !== "s3-prefix") {
    error(
      "RESTORE_NEEDS_ONE_S3_SOURCE",
      "backup.sources",
      "按恢复点恢复时，备份源须恰好是一个 S3 前缀（主站点的数据位置），平台才能将其恢复到灾备站点并在回切时写回。",
      "Recovery by restore needs exactly one backup source, an S3 prefix (the primary's data): the platform restores it into the DR site and writes the DR side's data back into it on a failback.",
    );
  }
  const primary = sources[0];
  if (drData && primary?.type === "s3-prefix" && overlaps({ type: "s3-prefix", ...drData }, primary)) {
    error(
      "RESTORE_TARGET_OVERLAPS_SOURCE",
      "failover.drData.prefix",
      "灾备站点的数据位置不能与主站点的备份源重叠：恢复会先清空目标位置。",
      "The DR site's data location must not overlap the primary's backup source: a restore empties its target first.",
    );
  }
  const folders: [string, string | undefined][] = [
    ["failover.drData.prefix", drData?.prefix],
    ["backup.sources.0.prefix", primary?.type === "s3-prefix" ? primary.prefix : undefined],
  ];
  for (const [path, prefix] of folders) {
    if (prefix === undefined || (prefix !== "" && prefix.endsWith("/"))) continue;
    error(
      "RESTORE_PREFIX_NOT_A_FOLDER",
      path,
      "按恢复点恢复时，数据位置的前缀须是以 / 结尾的目录（例如 site/）：恢复会先清空该前缀下的全部对象。",
      "Recovery by restore needs each data location's prefix to be a folder ending in / (e.g. site/): a restore empties everything under it first, and a bare prefix such as site would also take site-assets/.",
    );
  }
  const refusal =
    drData &&
    platformResourceRefusal({ type: "s3-prefix", bucket: drData.bucket }, { buckets: [], tables: [] });
  if (refusal) {
    error(
      "RESTORE_TARGET_IS_PLATFORM_RESOURCE",
      "failover.drData.bucket",
      "灾备站点的数据位置不能是平台自身的存储桶（以 govdr- 开头的名称保留给平台）。",
      `The DR site's data location is ${refusal.message}.`,
    );
  }
  return findings;
}
