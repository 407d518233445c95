import { Aws, CfnOutput, type CfnResource, Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { type Family, type RouteDoc, routes, splitRouteKey } from "../../shared/api/routes.ts";
import { notificationsKeyAlias, notificationsTopicName } from "../../shared/aws/notifications.ts";
import type { FunctionEnvSchema } from "../../shared/config/function-env.ts";
import {
  auditFunctionEnv,
  authFunctionEnv,
  authorizerFunctionEnv,
  backupsFunctionEnv,
  drillsFunctionEnv,
  failoversFunctionEnv,
  healthFunctionEnv,
  notificationsFunctionEnv,
  policiesFunctionEnv,
  replicationFunctionEnv,
  systemsFunctionEnv,
  writerFunctionEnv,
} from "../../shared/config/function-env.ts";
import type { RouteKey } from "../../shared/lambda/router.ts";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";
import type { DeploymentConfig } from "../config.ts";
import { grantAuditArchiveAccess } from "../constructs/archive-access.ts";
import {
  backupScheduling,
  backupStateMachineArn,
  grantBackupScheduling,
} from "../constructs/backup-access.ts";
import {
  drillScheduling,
  drillStateMachineArn,
  grantDrillScheduling,
  grantReportsAccess,
  grantVaultListing,
} from "../constructs/drill-access.ts";
import { GovdrFunction } from "../constructs/govdr-function.ts";
import { grantSwitchoverControl, switchoverStateMachineArn } from "../constructs/switchover-access.ts";
import { grantTableAccess } from "../constructs/table-access.ts";
import { grantTenantKeyAccess } from "../constructs/tenant-key-access.ts";
import { vaultBucketName } from "../constructs/vault-bucket.ts";
import { apiStageName } from "../names.ts";
import { stageSettings } from "./stage-settings.ts";

export interface ApiStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly version: string;
  readonly tenants: ITable;
  readonly policies: ITable;
  readonly audit: ITable;
  readonly idempotency: ITable;
  readonly auditArchive: IBucket;
  readonly identityKey: IKey;
  readonly signingSecret: ISecret;
  readonly reports: IBucket;
}

/** Error answers produced by API Gateway itself carry the same `{code, message}` shape as ours. */
const gatewayErrors: [apigw.ResponseType, string, string][] = [
  [apigw.ResponseType.UNAUTHORIZED, "UNAUTHENTICATED", "Sign in first"],
  [apigw.ResponseType.ACCESS_DENIED, "FORBIDDEN", "Not allowed"],
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, "NOT_FOUND", "No such route"],
  [apigw.ResponseType.THROTTLED, "THROTTLED", "Too many requests"],
  [apigw.ResponseType.DEFAULT_4XX, "BAD_REQUEST", "Request refused"],
  [apigw.ResponseType.DEFAULT_5XX, "INTERNAL", "Internal error"],
];

/** Why each public route needs no session (cdk-nag APIG4); a public route without a reason fails synthesis. */
const publicRouteReasons: Partial<Record<RouteKey, string>> = {
  "GET /health":
    "GET /health is the public liveness probe; it returns only status, service name, version and time.",
  "GET /openapi.json": "The OpenAPI document describes the public API contract; it holds no tenant data.",
  "POST /auth/login": "POST /auth/login is how a user obtains a session; it cannot require one.",
  "POST /tenants":
    "POST /tenants is self-service registration of a government unit; it creates a pending tenant only.",
  "POST /auth/agent-token":
    "POST /auth/agent-token is how a backup agent obtains a session with its system's key; it cannot require one.",
};

export class ApiStack extends Stack {
  readonly api: apigw.RestApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.config);
    const common = {
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
      timeout: settings.apiFunctionTimeout,
      environment: {
        GOVDR_STAGE: props.config.stage,
        IDENTITY_SETTINGS_MAX_AGE_SECONDS: settings.identitySettingsMaxAgeSeconds,
      },
    };

    const health = new GovdrFunction(this, "Health", {
      ...common,
      entry: "api/health.ts",
      description: "GET /health liveness probe",
      envSchema: healthFunctionEnv,
      environment: {
        ...common.environment,
        POWERTOOLS_SERVICE_NAME: "govdr-api",
        GOVDR_VERSION: props.version,
      },
    });
    const identityEnvironment = {
      ...common.environment,
      TENANTS_TABLE: props.tenants.tableName,
      AUDIT_TABLE: props.audit.tableName,
      SIGNING_SECRET_ARN: props.signingSecret.secretArn,
    };
    const authorizerFn = new GovdrFunction(this, "Authorizer", {
      ...common,
      entry: "api/authorizer.ts",
      description: "API Gateway authorizer: live session, route allowed by its scope; audits every decision",
      envSchema: authorizerFunctionEnv,
      environment: { ...identityEnvironment, POWERTOOLS_SERVICE_NAME: "govdr-authorizer" },
    });
    const auth = new GovdrFunction(this, "Auth", {
      ...common,
      entry: "api/auth.ts",
      description: "Sign-in, password change, MFA, refresh, sign-out",
      envSchema: authFunctionEnv,
      environment: {
        ...identityEnvironment,
        POWERTOOLS_SERVICE_NAME: "govdr-auth",
        IDENTITY_KEY_ID: props.identityKey.keyArn,
      },
      memorySize: 512, // scrypt needs 32 MiB per hash and a fast core
    });
    for (const fn of [authorizerFn.function, auth.function]) {
      grantTableAccess(fn, props.tenants, "read-write");
      grantTableAccess(fn, props.audit, "append-only");
      props.signingSecret.grantRead(fn);
    }
    props.identityKey.grant(auth.function, "kms:Encrypt", "kms:Decrypt");
    // Sessions are checked on every request (idle timeout, revocation), so decisions are never cached.
    const authorizer = new apigw.RequestAuthorizer(this, "SessionAuthorizer", {
      handler: authorizerFn.function,
      identitySources: [apigw.IdentitySource.header("Authorization")],
      resultsCacheTtl: Duration.seconds(0),
    });

    const accessLogs = new LogGroup(this, "AccessLogs", {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    this.api = new apigw.RestApi(this, "Api", {
      restApiName: "govdr",
      description: "govdr control-plane API",
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: settings.removalPolicy,
      deployOptions: {
        stageName: apiStageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
      },
      defaultMethodOptions: { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM },
    });
    const validator = this.api.addRequestValidator("Validator", {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    for (const [type, code, message] of gatewayErrors) {
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        templates: { "application/json": JSON.stringify({ code, message }) },
      });
    }

    const tenantsFn = new GovdrFunction(this, "Tenants", {
      ...common,
      entry: "api/tenants.ts",
      description: "Tenant self-service registration and lifecycle",
      envSchema: writerFunctionEnv,
      environment: {
        ...common.environment,
        POWERTOOLS_SERVICE_NAME: "govdr-tenants",
        IDEMPOTENCY_TABLE: props.idempotency.tableName,
        TENANTS_TABLE: props.tenants.tableName,
        AUDIT_TABLE: props.audit.tableName,
      },
      memorySize: 512, // hashes the administrator's password with scrypt
    });
    grantTableAccess(tenantsFn.function, props.tenants, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(tenantsFn.function, props.audit, "append-only");
    grantTableAccess(tenantsFn.function, props.idempotency, "idempotency");
    grantTenantKeyAccess(tenantsFn, "create");
    // Both families under /systems: the directory, the Policies table and the region rules.
    const systemsEnvironment = {
      ...common.environment,
      IDEMPOTENCY_TABLE: props.idempotency.tableName,
      TENANTS_TABLE: props.tenants.tableName,
      AUDIT_TABLE: props.audit.tableName,
      POLICIES_TABLE: props.policies.tableName,
      PRIMARY_REGION: props.config.primaryRegion,
    };
    const systemsFn = new GovdrFunction(this, "Systems", {
      ...common,
      entry: "api/systems.ts",
      description: "Protected systems, their versioned DR policies and their drill schedules",
      envSchema: policiesFunctionEnv,
      environment: {
        ...systemsEnvironment,
        POWERTOOLS_SERVICE_NAME: "govdr-systems",
        DRILL_SCHEDULE_GROUP: drillScheduling.group,
        DRILL_SCHEDULER_TARGET_ARN: drillScheduling.targetArn(),
        DRILL_SCHEDULER_ROLE_ARN: drillScheduling.roleArn(),
        DRILL_SCHEDULES_IN_UTC: props.config.stage === "local" ? "true" : "false",
        BACKUP_SCHEDULE_GROUP: backupScheduling.group,
        BACKUP_SCHEDULER_TARGET_ARN: backupScheduling.targetArn(),
        BACKUP_SCHEDULER_ROLE_ARN: backupScheduling.roleArn(),
      },
    });
    grantDrillScheduling(systemsFn);
    grantBackupScheduling(systemsFn);
    grantTableAccess(systemsFn.function, props.tenants, "read-write");
    grantTableAccess(systemsFn.function, props.policies, "read-write");
    grantTableAccess(systemsFn.function, props.audit, "append-only");
    grantTableAccess(systemsFn.function, props.idempotency, "idempotency");
    const snapshotsFn = new GovdrFunction(this, "Snapshots", {
      ...common,
      entry: "api/snapshots.ts",
      description: "Backup-agent keys and the catalogue of the snapshots agents write",
      envSchema: systemsFunctionEnv,
      environment: { ...systemsEnvironment, POWERTOOLS_SERVICE_NAME: "govdr-snapshots" },
    });
    grantTableAccess(snapshotsFn.function, props.tenants, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(snapshotsFn.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(snapshotsFn.function, props.audit, "append-only");
    grantTableAccess(snapshotsFn.function, props.idempotency, "idempotency");
    const drillsFn = new GovdrFunction(this, "Drills", {
      ...common,
      entry: "api/drills.ts",
      description: "Restore drills: start one, follow it, read its report",
      envSchema: drillsFunctionEnv,
      environment: {
        ...systemsEnvironment,
        POWERTOOLS_SERVICE_NAME: "govdr-drills",
        DRILL_STATE_MACHINE_ARN: drillStateMachineArn(this),
        REPORTS_BUCKET: props.reports.bucketName,
      },
    });
    grantTableAccess(drillsFn.function, props.tenants, "read-write");
    grantTableAccess(drillsFn.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(drillsFn.function, props.audit, "append-only");
    grantTableAccess(drillsFn.function, props.idempotency, "idempotency");
    drillsFn.function.addToRolePolicy(
      new PolicyStatement({ actions: ["states:StartExecution"], resources: [drillStateMachineArn(this)] }),
    );
    grantReportsAccess(drillsFn, props.reports, "read");
    const failoversFn = new GovdrFunction(this, "Failovers", {
      ...common,
      entry: "api/failovers.ts",
      description: "Failovers and failbacks: start, follow, approve or reject; routes, heartbeats, reports",
      envSchema: failoversFunctionEnv,
      environment: {
        ...systemsEnvironment,
        POWERTOOLS_SERVICE_NAME: "govdr-failovers",
        FAILOVER_STATE_MACHINE_ARN: switchoverStateMachineArn(this, "failover"),
        FAILBACK_STATE_MACHINE_ARN: switchoverStateMachineArn(this, "failback"),
        REPORTS_BUCKET: props.reports.bucketName,
      },
    });
    grantTableAccess(failoversFn.function, props.tenants, "read-only");
    grantTableAccess(failoversFn.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(failoversFn.function, props.audit, "append-only");
    grantTableAccess(failoversFn.function, props.idempotency, "idempotency");
    grantSwitchoverControl(failoversFn, ["start"]);
    grantReportsAccess(failoversFn, props.reports, "read");
    grantTenantKeyAccess(failoversFn, "encrypt");
    const backupsFn = new GovdrFunction(this, "Backups", {
      ...common,
      entry: "api/backups.ts",
      description: "Server-side backups of S3 prefixes and DynamoDB tables: start one, follow it (D-43)",
      envSchema: backupsFunctionEnv,
      environment: {
        ...systemsEnvironment,
        POWERTOOLS_SERVICE_NAME: "govdr-backups",
        VAULT_BUCKET: vaultBucketName(props.config.primaryRegion),
        DR_VAULT_BUCKET: vaultBucketName(props.config.drRegion),
        REPORTS_BUCKET: props.reports.bucketName,
        BACKUP_STATE_MACHINE_ARN: backupStateMachineArn(this),
      },
    });
    grantTableAccess(backupsFn.function, props.tenants, "read-write");
    grantTableAccess(backupsFn.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(backupsFn.function, props.audit, "append-only");
    grantTableAccess(backupsFn.function, props.idempotency, "idempotency");
    backupsFn.function.addToRolePolicy(
      new PolicyStatement({ actions: ["states:StartExecution"], resources: [backupStateMachineArn(this)] }),
    );
    const replicationFn = new GovdrFunction(this, "Replication", {
      ...common,
      entry: "api/replication.ts",
      description: "How current each system's DR copy is: measured on request, and the monitor's history",
      envSchema: replicationFunctionEnv,
      environment: {
        ...systemsEnvironment,
        POWERTOOLS_SERVICE_NAME: "govdr-replication",
        VAULT_BUCKET: vaultBucketName(props.config.primaryRegion),
        DR_VAULT_BUCKET: vaultBucketName(props.config.drRegion),
        DR_REGION: props.config.drRegion,
      },
      timeout: Duration.seconds(29),
    });
    grantTableAccess(replicationFn.function, props.tenants, "read-write");
    grantTableAccess(replicationFn.function, props.policies, "read-only", { indexes: ["gsi1"] });
    grantTableAccess(replicationFn.function, props.audit, "append-only");
    grantVaultListing(replicationFn.function, props.config);
    const topicArn = `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:${notificationsTopicName}`;
    const notificationsFn = new GovdrFunction(this, "Notifications", {
      ...common,
      entry: "api/notifications.ts",
      description: "The unit's notification subscriptions of the govdr-notifications topic",
      envSchema: notificationsFunctionEnv,
      environment: {
        ...systemsEnvironment,
        POWERTOOLS_SERVICE_NAME: "govdr-notifications",
        NOTIFICATIONS_TOPIC_ARN: topicArn,
        NOTIFICATIONS_KEY_ID: notificationsKeyAlias,
      },
    });
    grantTableAccess(notificationsFn.function, props.tenants, "read-write");
    grantTableAccess(notificationsFn.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(notificationsFn.function, props.audit, "append-only");
    grantTableAccess(notificationsFn.function, props.idempotency, "idempotency");
    const tenantTopics = `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:govdr-tenant-*`;
    notificationsFn.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["sns:CreateTopic", "sns:TagResource", "sns:Subscribe"],
        resources: [tenantTopics],
      }),
    );
    notificationsFn.function.addToRolePolicy(
      new PolicyStatement({ actions: ["sns:Unsubscribe"], resources: [`${tenantTopics}:*`] }),
    );
    const anchor = notificationsFn.function.node.defaultChild as CfnResource;
    acknowledgeNag(
      notificationsFn,
      {
        id: `IAM5[${nagResource(anchor, tenantTopics)}]`,
        reason:
          "Each unit's topic (govdr-tenant-<tenantId>) is created with its first subscription; units are created at run time.",
      },
      {
        id: `IAM5[${nagResource(anchor, `${tenantTopics}:*`)}]`,
        reason:
          "Unsubscribe names one subscription of a unit's topic; subscriptions are made by units at run time.",
      },
    );
    const auditFn = new GovdrFunction(this, "AuditApi", {
      ...common,
      entry: "api/audit.ts",
      description: "Auditor API: lookup, export and verification of the hash-chained audit trail",
      envSchema: auditFunctionEnv,
      environment: {
        ...common.environment,
        POWERTOOLS_SERVICE_NAME: "govdr-audit",
        TENANTS_TABLE: props.tenants.tableName,
        AUDIT_TABLE: props.audit.tableName,
        AUDIT_ARCHIVE_BUCKET: props.auditArchive.bucketName,
      },
      timeout: Duration.seconds(29),
      memorySize: 512,
    });
    grantTableAccess(auditFn.function, props.audit, "append-only", { indexes: ["gsi1"] });
    grantAuditArchiveAccess(auditFn, props.auditArchive, "read");
    const usersFn = new GovdrFunction(this, "Users", {
      ...common,
      entry: "api/users.ts",
      description: "User administration within the caller's own scope",
      envSchema: writerFunctionEnv,
      environment: {
        ...common.environment,
        POWERTOOLS_SERVICE_NAME: "govdr-users",
        IDEMPOTENCY_TABLE: props.idempotency.tableName,
        TENANTS_TABLE: props.tenants.tableName,
        AUDIT_TABLE: props.audit.tableName,
      },
      memorySize: 512, // hashes one-time passwords with scrypt
    });
    grantTableAccess(usersFn.function, props.tenants, "read-write");
    grantTableAccess(usersFn.function, props.audit, "append-only");
    grantTableAccess(usersFn.function, props.idempotency, "idempotency");
    const families: Record<Family, GovdrFunction<FunctionEnvSchema>> = {
      health,
      auth,
      tenants: tenantsFn,
      systems: systemsFn,
      snapshots: snapshotsFn,
      drills: drillsFn,
      failovers: failoversFn,
      backups: backupsFn,
      replication: replicationFn,
      notifications: notificationsFn,
      users: usersFn,
      audit: auditFn,
    };
    const integrations = new Map<Family, apigw.LambdaIntegration>();
    for (const [key, doc] of Object.entries(routes) as [RouteKey, RouteDoc][]) {
      const { method, path } = splitRouteKey(key);
      if (!integrations.has(doc.family)) {
        integrations.set(doc.family, new apigw.LambdaIntegration(families[doc.family].function));
      }
      const integration = integrations.get(doc.family) as apigw.LambdaIntegration;
      const resource = this.api.root.resourceForPath(path.slice(1));
      if (!doc.public) {
        resource.addMethod(method, integration);
        continue;
      }
      const reason = publicRouteReasons[key];
      if (!reason) throw new Error(`${key} is public but has no documented reason`);
      const publicMethod = resource.addMethod(method, integration, {
        authorizationType: apigw.AuthorizationType.NONE,
        requestValidator: validator,
      });
      acknowledgeNag(publicMethod, { id: "APIG4", reason });
    }

    // Every other route sits behind the authorizer until its resource family is built.
    this.api.root.addProxy({
      anyMethod: true,
      defaultIntegration: new apigw.MockIntegration({
        requestTemplates: { "application/json": '{"statusCode": 404}' },
        integrationResponses: [
          {
            statusCode: "404",
            responseTemplates: { "application/json": '{"code":"NOT_FOUND","message":"No such route"}' },
          },
        ],
      }),
      defaultMethodOptions: {
        authorizer,
        authorizationType: apigw.AuthorizationType.CUSTOM,
        requestValidator: validator,
        methodResponses: [{ statusCode: "404" }],
      },
    });

    new CfnOutput(this, "RestApiId", { value: this.api.restApiId });
    new CfnOutput(this, "ApiUrl", { value: this.api.url });

    acknowledgeNag(
      this.api,
      {
        id: "COG4",
        reason:
          "Identity is govdr's own service (Cognito is unavailable in the aws-cn partition and on-prem gov clouds); its Lambda authorizer guards every non-public route.",
      },
      {
        id: "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        reason:
          "The account-level API Gateway logging role uses AmazonAPIGatewayPushToCloudWatchLogs, the policy AWS documents for it.",
      },
      {
        id: "APIG3",
        reason:
          "WAF web ACLs are attached per deployment by the operator (AWS WAF is not offered in every gov cloud); see docs/decisions.md.",
      },
    );
  }
}
