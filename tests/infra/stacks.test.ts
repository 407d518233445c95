import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../shared/api/routes.ts";
import { synthGovdr } from "./synth.ts";

type Synth = ReturnType<typeof synthGovdr>;
let prod: Synth;
let local: Synth;

beforeAll(() => {
  prod = synthGovdr();
  local = synthGovdr({ stage: "local" });
});

describe("vault stacks", () => {
  it("make an immutable vault: versioned, Object Lock COMPLIANCE by default, retained (R-BK immutability)", () => {
    for (const t of [prod.templates.vault, prod.templates.drVault]) {
      t.hasResource("AWS::S3::Bucket", {
        DeletionPolicy: "Retain",
        Properties: Match.objectLike({
          BucketName: Match.anyValue(),
          ObjectLockEnabled: true,
          ObjectLockConfiguration: {
            ObjectLockEnabled: "Enabled",
            Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } },
          },
          VersioningConfiguration: { Status: "Enabled" },
        }),
      });
    }
  });

  it("keep vaults private, KMS-encrypted with a rotating key, access-logged and TLS-only", () => {
    const t = prod.templates.vault;
    t.hasResourceProperties("AWS::S3::Bucket", {
      ObjectLockEnabled: true,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: Match.anyValue() } },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: "vault/" },
    });
    t.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    t.hasResourceProperties("AWS::KMS::Alias", { AliasName: "alias/govdr-vault" });
    t.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("replicate the primary vault to the DR region's vault with a 15-minute replication time control", () => {
    prod.templates.vault.hasResourceProperties("AWS::S3::Bucket", {
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [
          Match.objectLike({
            Status: "Enabled",
            Destination: Match.objectLike({
              Bucket: {
                "Fn::Join": [
                  "",
                  ["arn:aws-cn:s3:::govdr-vault-", { Ref: "AWS::AccountId" }, "-cn-northwest-1"],
                ],
              },
              ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
              EncryptionConfiguration: {
                ReplicaKmsKeyID: {
                  "Fn::Join": [
                    "",
                    ["arn:aws-cn:kms:cn-northwest-1:", { Ref: "AWS::AccountId" }, ":alias/govdr-vault"],
                  ],
                },
              },
            }),
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } },
          }),
        ],
      },
    });
    const drBuckets = prod.templates.drVault.findResources("AWS::S3::Bucket");
    for (const bucket of Object.values(drBuckets))
      expect(bucket.Properties.ReplicationConfiguration).toBeUndefined();
  });
});

describe("managed replication (D-42)", () => {
  it("queues every new primary-vault version for the replicator, with a dead-letter queue S3 cannot bypass", () => {
    const vault = prod.templates.vault;
    vault.hasResourceProperties("AWS::S3::Bucket", {
      NotificationConfiguration: {
        QueueConfigurations: [{ Event: "s3:ObjectCreated:*", Queue: Match.anyValue() }],
      },
    });
    vault.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: "govdr-replication",
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    vault.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: "govdr-replication-dlq",
      MessageRetentionPeriod: 1209600,
    });
    vault.hasResourceProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "sqs:SendMessage",
            Principal: { Service: "s3.amazonaws.com" },
            Condition: Match.objectLike({ ArnLike: Match.anyValue() }),
          }),
        ]),
      },
    });
    expect(Object.keys(prod.templates.drVault.findResources("AWS::SQS::Queue"))).toEqual([]);
  });

  it("runs the replicator on the queue failing single messages, alarms on dead letters, and never deletes in a vault", () => {
    const t = prod.templates.orchestration;
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: 10,
    });
    t.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "govdr-replication-dead-letters",
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [Match.anyValue()],
    });
    t.hasResourceProperties("AWS::CloudWatch::Alarm", { AlarmName: "govdr-replication-backlog" });
    t.hasResourceProperties("AWS::Lambda::Function", { FunctionName: "govdr-replication-replay" });
    const replicatorPolicies = Object.entries(t.findResources("AWS::IAM::Policy")).filter(([id]) =>
      id.startsWith("ManagedReplicationReplicator"),
    );
    expect(replicatorPolicies).toHaveLength(1);
    const actions = replicatorPolicies.flatMap(([, p]) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) =>
        [s.Action].flat(),
      ),
    );
    expect(actions).toEqual(
      expect.arrayContaining(["s3:PutObject", "s3:PutObjectRetention", "s3:GetObjectVersion"]),
    );
    for (const action of actions.filter((a) => a.startsWith("s3:"))) {
      expect(action).not.toMatch(/Delete|Bypass|\*$/);
    }
  });

  it("keeps the local queue's receive limit short, so a failing copy reaches the dead-letter queue in a test", () => {
    local.templates.vault.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: "govdr-replication",
      VisibilityTimeout: 20,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
  });
});

describe("data stack", () => {
  it("creates tenant, policy and audit tables with PITR, encryption, on-demand billing and a query index", () => {
    const t = prod.templates.data;
    const controlPlane = Object.values(t.findResources("AWS::DynamoDB::Table")).filter(
      (table) => table.Properties.KeySchema[0].AttributeName === "pk",
    );
    expect(controlPlane).toHaveLength(3);
    for (const table of controlPlane) {
      expect(table.Properties).toMatchObject({
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: "gsi1" })],
      });
    }
  });

  it("keeps idempotency records in their own table, expiring by TTL", () => {
    prod.templates.data.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiration", Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it("lets the local stage be torn down, but never production", () => {
    expect(
      Object.values(prod.templates.data.findResources("AWS::DynamoDB::Table")).map((r) => r.DeletionPolicy),
    ).toEqual(["Retain", "Retain", "Retain", "Retain"]);
    local.templates.data.allResourcesProperties("AWS::DynamoDB::Table", { DeletionProtectionEnabled: false });
    expect(
      Object.values(local.templates.data.findResources("AWS::DynamoDB::Table")).map((r) => r.DeletionPolicy),
    ).toEqual(["Delete", "Delete", "Delete", "Delete"]);
  });
});

describe("audit archive", () => {
  it("is a locked bucket: Object Lock COMPLIANCE for 180 days, versioned, KMS, retained (R-AU, 000 §7.5.11)", () => {
    prod.templates.data.hasResource("AWS::S3::Bucket", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 180 } },
        },
        VersioningConfiguration: { Status: "Enabled" },
        BucketEncryption: Match.objectLike({
          ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })],
        }),
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: "audit-archive/" }),
      }),
    });
  });

  it("is written every 15 minutes by an archiver that can add object versions but never delete or unlock", () => {
    const t = prod.templates.orchestration;
    t.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(15 minutes)",
      State: "ENABLED",
    });
    // The drill sandbox alone is meant to be emptied again: it is neither locked nor versioned.
    const statements = [prod.templates.orchestration, prod.templates.api]
      .flatMap((template) =>
        Object.values(template.findResources("AWS::IAM::Policy")).flatMap(
          (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
        ),
      )
      .filter((s) => {
        const resources = JSON.stringify(s.Resource);
        return !(
          resources.includes("govdr-sandbox-") && !/govdr-(vault|reports|audit-archive)-/.test(resources)
        );
      });
    const s3Actions = new Set(
      statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("s3:")),
    );
    expect(s3Actions).toContain("s3:PutObjectRetention");
    for (const action of s3Actions) {
      expect(action).not.toMatch(/Delete|Bypass|PutObjectLegalHold|PutBucket|\*/);
    }
  });
});

describe("api stack", () => {
  it("serves exactly the route catalogue: its public routes without a session, all others behind the authorizer", () => {
    const t = prod.templates.api;
    const methods = Object.values(t.findResources("AWS::ApiGateway::Method"));
    const catalogue = Object.entries(routes);
    const publicMethods = methods.filter((m) => m.Properties.AuthorizationType === "NONE");
    const guarded = methods.filter((m) => m.Properties.AuthorizationType !== "NONE");

    expect(publicMethods.map((m) => m.Properties.HttpMethod).sort()).toEqual(
      catalogue
        .filter(([, doc]) => doc.public)
        .map(([key]) => key.split(" ")[0])
        .sort(),
    );
    // every catalogue route, plus ANY on / and on {proxy+} answering unknown routes after the authorizer
    expect(guarded).toHaveLength(catalogue.filter(([, doc]) => !doc.public).length + 2);
    for (const m of guarded) {
      expect(m.Properties).toMatchObject({ AuthorizationType: "CUSTOM", AuthorizerId: expect.anything() });
    }
    t.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "REQUEST",
      IdentitySource: "method.request.header.Authorization",
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it("lets no function update or delete audit records, and grants identity functions only item actions", () => {
    const policies = Object.values(prod.templates.api.findResources("AWS::IAM::Policy"));
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[],
    );
    const dynamoActions = new Set(
      statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("dynamodb:")),
    );

    expect([...dynamoActions].sort()).toEqual([
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
    const deletes = statements.filter((s) => [s.Action].flat().includes("dynamodb:DeleteItem"));
    expect(deletes.map((s) => JSON.stringify(s)).every((s) => s.includes("Idempotency"))).toBe(true);
    const auditGrants = statements.filter((s) => JSON.stringify(s).includes("Audit"));
    expect(auditGrants.length).toBeGreaterThan(0);
    for (const grant of auditGrants) {
      expect([grant.Action].flat()).not.toContain("dynamodb:UpdateItem");
      expect([grant.Action].flat()).not.toContain("dynamodb:DeleteItem");
    }
  });

  it("chains audit events off the request path: the Audit table's stream triggers the sequencer (D-32)", () => {
    prod.templates.data.hasResourceProperties("AWS::DynamoDB::Table", {
      StreamSpecification: { StreamViewType: "KEYS_ONLY" },
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    });
    const t = prod.templates.orchestration;
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      StartingPosition: "LATEST",
      BatchSize: 1000,
      MaximumRetryAttempts: 10,
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ["INSERT"],
              dynamodb: { Keys: { pk: { S: [{ prefix: "AUDIT_PENDING#" }] } } },
            }),
          },
        ],
      },
    });
    t.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(1 minute)",
      Targets: [
        Match.objectLike({ Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("AuditSequencer"), "Arn"] } }),
      ],
    });
    const deleters = Object.entries(t.findResources("AWS::IAM::Policy")).filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes("dynamodb:DeleteItem"),
    );
    expect(deleters.map(([id]) => id)).toEqual([expect.stringMatching(/^AuditSequencer/)]);
  });

  it("logs access and execution, traces, throttles, and answers gateway errors in the API's error shape", () => {
    const t = prod.templates.api;
    t.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "v1",
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [
        Match.objectLike({ LoggingLevel: "INFO", ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
      ],
    });
    t.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "UNAUTHORIZED",
      ResponseTemplates: { "application/json": '{"code":"UNAUTHENTICATED","message":"Sign in first"}' },
    });
  });
});

describe("Lambda functions (GovdrFunction)", () => {
  it("run Node.js 22 with JSON logs, X-Ray, a retained log group and no AWS-managed policy", () => {
    for (const t of [prod.templates.api, prod.templates.orchestration]) {
      t.allResourcesProperties("AWS::Lambda::Function", {
        Runtime: "nodejs22.x",
        Architectures: ["x86_64"],
        LoggingConfig: Match.objectLike({ LogFormat: "JSON" }),
        TracingConfig: { Mode: "Active" },
        Environment: {
          Variables: Match.objectLike({ GOVDR_STAGE: "prod", NODE_OPTIONS: "--enable-source-maps" }),
        },
      });
      t.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 180 });
      for (const role of Object.values(t.findResources("AWS::IAM::Role"))) {
        if (
          role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === "lambda.amazonaws.com"
        ) {
          expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        }
      }
    }
  });
});

describe("orchestration stack", () => {
  it("loads the self-check state machine from its ASL file with the task function substituted", () => {
    const t = prod.templates.orchestration;
    t.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: "govdr-selfcheck",
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: "ALL", IncludeExecutionData: true }),
      DefinitionSubstitutions: { Partition: "aws-cn", SelfCheckFunctionArn: Match.anyValue() },
    });
    const [machine] = Object.values(t.findResources("AWS::StepFunctions::StateMachine"));
    const definition = JSON.parse(machine?.Properties.DefinitionString);
    expect(definition.States.CheckDependencies.Parameters.FunctionName).toBe("${SelfCheckFunctionArn}");
    expect(definition.States.CheckDependencies.Retry[0].ErrorEquals).toContain("DependencyUnavailableError");
  });
});
