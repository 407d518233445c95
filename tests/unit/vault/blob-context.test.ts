import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blobContext, reusedBlobContext } from "../../../shared/vault/pack.ts";

describe("the associated data a blob is sealed with", () => {
  it("is the same bytes from the reused buffer as from a fresh one, call after call", () => {
    const context = reusedBlobContext();
    const ids = [
      ...Array.from({ length: 50 }, () => randomBytes(32).toString("hex")),
      randomBytes(16).toString("hex"),
      "",
      "not-hex: Ünïcode ✓",
      randomBytes(32).toString("hex"),
    ];
    for (const id of ids) expect(context(id).equals(blobContext(id)), id).toBe(true);
  });

  it("overwrites the previous id, so a caller must use it before asking for the next", () => {
    const context = reusedBlobContext();
    const first = context("a".repeat(64));
    context("b".repeat(64));
    expect(first.toString()).toBe(`govdr/v1/blob/${"b".repeat(64)}`);
  });
});
