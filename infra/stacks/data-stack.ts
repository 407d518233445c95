import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";
import type { DeploymentConfig } from "../config.ts";
import { stageSettings } from "./stage-settings.ts";

export interface DataStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Control-plane tables. Every table has a generic key (pk/sk) and one generic index (gsi1) so that
 * every list is a Query; items carry their tenant in the partition key (tenant isolation by key).
 */
export class DataStack extends Stack {
  readonly tenants: Table;
  readonly policies: Table;
  /** Hash-chained audit records per tenant (shared/audit); never updated or deleted by any API. */
  readonly audit: Table;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.tenants = this.table("Tenants", props.config);
    this.policies = this.table("Policies", props.config);
    this.audit = this.table("Audit", props.config);
    new CfnOutput(this, "TenantsTableName", { value: this.tenants.tableName });
    new CfnOutput(this, "PoliciesTableName", { value: this.policies.tableName });
    new CfnOutput(this, "AuditTableName", { value: this.audit.tableName });
  }

  private table(id: string, config: DeploymentConfig): Table {
    const settings = stageSettings(config);
    const table = new Table(this, id, {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.removalPolicy,
      timeToLiveAttribute: "expiresAt",
    });
    table.addGlobalSecondaryIndex({
      indexName: "gsi1",
      partitionKey: { name: "gsi1pk", type: AttributeType.STRING },
      sortKey: { name: "gsi1sk", type: AttributeType.STRING },
    });
    return table;
  }
}
