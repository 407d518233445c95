import { describe, expect, it } from "vitest";
import { trailsOf } from "../../../functions/events/audit-sequencer.ts";
import { ValidationError } from "../../../shared/errors.ts";
import { MemoryStores } from "../../support/memory-stores.ts";

const keys = (pk: string) => ({ eventName: "INSERT", dynamodb: { Keys: { pk: { S: pk }, sk: { S: "x" } } } });

async function list(trails: AsyncIterable<string> | Iterable<string>) {
  const out: string[] = [];
  for await (const t of trails) out.push(t);
  return out;
}

describe("audit sequencer trigger", () => {
  const tenants = new MemoryStores().tenants;

  it("chains each trail a stream batch names once, ignoring items that are not pending events", async () => {
    const batch = {
      Records: [
        keys("AUDIT_PENDING#t-1"),
        keys("AUDIT_PENDING#platform"),
        keys("AUDIT_PENDING#t-1"),
        keys("TENANT#t-2#AUDIT"),
      ],
    };

    expect(await list(trailsOf(batch, tenants))).toEqual(["t-1", "platform"]);
  });

  it("sweeps every trail on a schedule, or only the trails an operator names", async () => {
    expect(await list(trailsOf({ source: "aws.events", "detail-type": "Scheduled Event" }, tenants))).toEqual(
      ["platform"],
    );
    expect(await list(trailsOf({ tenantIds: ["t-9"] }, tenants))).toEqual(["t-9"]);
    expect(() => trailsOf({ tenantIds: [] }, tenants)).toThrow(ValidationError);
  });
});
