import type { Finding } from "../classification/findings.ts";
import type { DrPolicy } from "../policies/policy-schema.ts";
import { platformResourceRefusal, serverSourceTypes, tableArnPattern } from "./server-sources.ts";

const isServerSource = (source: { type: string }) =>
  (serverSourceTypes as readonly string[]).includes(source.type);

/** Whether the policy names sources the platform backs up itself (an S3 prefix, a DynamoDB table). */
export const hasServerSources = (policy: Pick<DrPolicy, "backup">) =>
  policy.backup.sources.some(isServerSource);

/**
 * What a policy with server-side sources must say (D-43): each source's role, a table by its full
 * ARN, none of the platform's own buckets or tables, and a schedule: "continuous" is what an agent
 * does (CDP), which a job that lists a bucket or scans a table cannot be.
 */
export function serverSourceFindings(policy: Pick<DrPolicy, "backup">): Finding[] {
  const findings: Finding[] = [];
  policy.backup.sources.forEach((source, index) => {
    if (!isServerSource(source)) return;
    const path = `backup.sources.${index}`;
    if (!("roleArn" in source) || !source.roleArn) {
      findings.push({
        rule: "R-BK-01",
        code: "SOURCE_ROLE_REQUIRED",
        severity: "error",
        path: `${path}.roleArn`,
        message: {
          zh: "服务端备份源须提供本单位账号中名为 govdr-source-<名称> 的角色 ARN，该角色以本单位 ID 作为 ExternalId 信任本平台。",
          en: "A server-side source needs roleArn: a role in the unit's account named govdr-source-<name>, trusting the platform with ExternalId = the unit's id.",
        },
      });
    }
    if (source.type === "dynamodb-table" && !tableArnPattern.test(source.tableArn)) {
      findings.push({
        rule: "R-BK-01",
        code: "SOURCE_TABLE_ARN_INVALID",
        severity: "error",
        path: `${path}.tableArn`,
        message: {
          zh: "请填写完整的 DynamoDB 表 ARN，例如 arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders。",
          en: "Give the table's full ARN, e.g. arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders.",
        },
      });
    }
    const refusal = platformResourceRefusal(source, { buckets: [], tables: [] });
    if (refusal) {
      findings.push({
        rule: "R-BK-01",
        code: "SOURCE_IS_PLATFORM_RESOURCE",
        severity: "error",
        path: `${path}.${refusal.field}`,
        message: {
          zh: "备份源不能是平台自身的存储桶或表（以 govdr- / Govdr- 开头的名称保留给平台）。",
          en: `The source is ${refusal.message}.`,
        },
      });
    }
  });
  if (hasServerSources(policy) && policy.backup.schedule.kind === "continuous") {
    findings.push({
      rule: "R-BK-01",
      code: "CONTINUOUS_SERVER_BACKUP",
      severity: "error",
      path: "backup.schedule.kind",
      message: {
        zh: "S3 前缀和 DynamoDB 表由平台按计划备份，不能“持续”备份：请选择每 N 分钟、每日或每周。",
        en: 'S3 prefixes and DynamoDB tables are backed up by the platform on a schedule, not continuously: choose "every", "daily" or "weekly".',
      },
    });
  }
  return findings;
}
