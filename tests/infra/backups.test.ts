import { beforeAll, describe, expect, it } from "vitest";
import { synthGovdr } from "./synth.ts";

let prod: ReturnType<typeof synthGovdr>;
beforeAll(() => {
  prod = synthGovdr();
});

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

/** Every IAM statement of the role of the function whose logical id starts with `prefix`. */
function statementsOf(prefix: string): Statement[] {
  const t = prod.templates.orchestration.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  return Object.entries(t.Resources)
    .filter(([id, r]) => r.Type === "AWS::IAM::Policy" && id.startsWith(prefix))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe("server-side backups (D-43)", () => {
  it("run as a state machine that loops the backup slice and ends failed jobs", () => {
    const machines = prod.templates.orchestration.findResources("AWS::StepFunctions::StateMachine", {
      Properties: { StateMachineName: "govdr-backup" },
    });
    expect(Object.keys(machines)).toHaveLength(1);
    prod.templates.orchestration.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 900,
      MemorySize: 2048,
      Description:
        "Server-side backup: one slice of a job (S3 prefixes, DynamoDB tables) into the unit's vault",
    });
  });

  it("let the backup task assume only govdr-source-* roles, write the vault's tenant prefixes, and never delete", () => {
    const statements = statementsOf("BackupRun");
    const assume = statements.filter((s) => actions([s]).includes("sts:AssumeRole"));
    expect(JSON.stringify(assume.map((s) => s.Resource))).toContain("role/govdr-source-*");
    expect(JSON.stringify(assume.map((s) => s.Resource))).not.toMatch(/"\*"/);
    expect(actions(statements).filter((a) => /Delete|s3:\*|kms:\*/.test(a))).toEqual([]);
    const writes = statements.filter((s) => actions([s]).includes("s3:PutObject"));
    expect(JSON.stringify(writes.map((s) => s.Resource))).toContain("/tenants/*");
    // No source is read with the platform's own credentials: no Scan, no access to other buckets.
    expect(actions(statements).filter((a) => a === "dynamodb:Scan")).toEqual([]);
  });

  it("schedule backups in their own group, started with their own role", () => {
    prod.templates.orchestration.hasResourceProperties("AWS::Scheduler::ScheduleGroup", {
      Name: "govdr-backups",
    });
    prod.templates.orchestration.hasResourceProperties("AWS::IAM::Role", {
      RoleName: "govdr-backup-scheduler",
    });
    prod.templates.orchestration.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "govdr-scheduled-backup",
    });
  });
});
