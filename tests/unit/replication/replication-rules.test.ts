import { describe, expect, it } from "vitest";
import {
  coveredBy,
  meantForS3Replication,
  vaultRulesFor,
} from "../../../shared/replication/replication-rules.ts";

/** The rule CDK deploys: the whole vault, with its destination and replication time control. */
const deployed = {
  ID: "cdk-rule",
  Priority: 0,
  Status: "Enabled",
  Filter: {},
  Destination: { Bucket: "arn:aws:s3:::dr", ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } } },
  DeleteMarkerReplication: { Status: "Disabled" },
};

describe("the vault's S3 replication rules follow the units' transports (D-42)", () => {
  it("leave the deployed whole-vault rule alone while no unit is managed", () => {
    expect(vaultRulesFor([deployed], [{ tenantId: "t-1", transport: "native" }])).toEqual({ change: "none" });
  });

  it("become one rule per native unit once a unit is managed, keeping the destination", () => {
    const change = vaultRulesFor(
      [deployed],
      [
        { tenantId: "t-2", transport: "native" },
        { tenantId: "t-1", transport: "managed" },
        { tenantId: "t-3", transport: "native" },
      ],
    );
    expect(change.change).toBe("put");
    const rules = change.change === "put" ? change.rules : [];
    expect(rules.map((r) => [r.ID, r.Priority, r.Filter?.Prefix])).toEqual([
      ["unit-t-2", 1, "tenants/t-2/"],
      ["unit-t-3", 2, "tenants/t-3/"],
    ]);
    expect(rules.every((r) => JSON.stringify(r.Destination) === JSON.stringify(deployed.Destination))).toBe(
      true,
    );
    expect(coveredBy(rules, "tenants/t-1/packs/ab")).toBe(false);
    expect(coveredBy(rules, "tenants/t-2/packs/ab")).toBe(true);
    // Already in place: nothing to change on the next pass.
    expect(
      vaultRulesFor(rules, [
        { tenantId: "t-3", transport: "native" },
        { tenantId: "t-1", transport: "managed" },
        { tenantId: "t-2", transport: "native" },
      ]),
    ).toEqual({ change: "none" });
  });

  it("go back to one whole-vault rule when the last managed unit turns native", () => {
    const perUnit = vaultRulesFor(
      [deployed],
      [
        { tenantId: "t-1", transport: "managed" },
        { tenantId: "t-2", transport: "native" },
      ],
    );
    const rules = perUnit.change === "put" ? perUnit.rules : [];
    const back = vaultRulesFor(rules, [
      { tenantId: "t-1", transport: "native" },
      { tenantId: "t-2", transport: "native" },
    ]);
    expect(back.change === "put" && back.rules.map((r) => r.Filter?.Prefix)).toEqual([""]);
  });

  it("keep one disabled rule when every unit is managed (S3 wants at least one)", () => {
    const change = vaultRulesFor([deployed], [{ tenantId: "t-1", transport: "managed" }]);
    expect(change.change === "put" && change.rules.map((r) => r.Status)).toEqual(["Disabled"]);
    expect(coveredBy(change.change === "put" ? change.rules : [], "tenants/t-1/x")).toBe(false);
  });

  it("tell the replicator which keys S3 was meant to carry: covered ones, and any while rules are kept per unit", () => {
    const change = vaultRulesFor(
      [deployed],
      [
        { tenantId: "t-1", transport: "managed" },
        { tenantId: "t-2", transport: "native" },
      ],
    );
    const perUnit = change.change === "put" ? change.rules : [];
    // t-9 was made since the monitor's last pass: its rule is not there yet, S3 misses its objects.
    expect(meantForS3Replication(perUnit, "tenants/t-9/packs/a")).toBe(true);
    expect(meantForS3Replication([deployed], "tenants/t-9/packs/a")).toBe(true);
    // Replication stopped on purpose: nothing is S3's to carry.
    expect(meantForS3Replication(undefined, "tenants/t-9/packs/a")).toBe(false);
    expect(meantForS3Replication([{ ...deployed, Status: "Disabled" }], "tenants/t-9/packs/a")).toBe(false);
  });

  it("say so, and change nothing, when more units are native than S3 has rules for", () => {
    const units = Array.from({ length: 1001 }, (_, i) => ({
      tenantId: `t-${i}`,
      transport: "native" as const,
    }));
    expect(vaultRulesFor([deployed], [...units, { tenantId: "m", transport: "managed" }])).toEqual({
      change: "too-many",
      nativeUnits: 1001,
    });
  });

  it("change nothing on a vault without S3 replication", () => {
    expect(vaultRulesFor([], [{ tenantId: "t-1", transport: "managed" }])).toEqual({ change: "none" });
  });
});
