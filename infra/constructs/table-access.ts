import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";

/**
 * Item-level table access without wildcards. `append-only` is for the audit table: records can be
 * read and added, never updated or deleted, by any function (R-AU, tamper evidence).
 */
const actions = {
  "read-only": ["dynamodb:GetItem", "dynamodb:Query"],
  "append-only": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"],
  /**
   * The audit sequencer alone: it deletes a recorded event's pending item in the same transaction
   * that chains it (shared/stores/dynamodb/audit-log.ts); chained records it only adds.
   */
  "audit-sequencer": [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
  ],
  /** Powertools idempotency records: a failed request's record is deleted so it can be retried. */
  idempotency: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
  "read-write": [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
  ],
} as const;

export function grantTableAccess(
  grantee: IGrantable,
  table: ITable,
  access: keyof typeof actions,
  options: { indexes?: string[] } = {},
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...actions[access]],
      resources: [
        table.tableArn,
        ...(options.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`),
      ],
    }),
  );
}
