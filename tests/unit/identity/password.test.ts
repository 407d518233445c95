import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "../../../shared/identity/password-hash.ts";
import { passwordExpired, passwordProblems } from "../../../shared/identity/password-policy.ts";
import { defaultIdentitySettings as settings } from "../../../shared/identity/settings.ts";

const codes = (password: string, user = "alice") =>
  passwordProblems(password, user, settings).map((p) => p.code);

describe("password complexity (R-IA-07)", () => {
  it("rejects a 13-character password and accepts a complex 14-character one", () => {
    expect(codes("Gov-Cloud-DR1")).toEqual(["TOO_SHORT"]);
    expect(codes("Gov-Cloud-DR12")).toEqual([]);
  });

  it("counts characters, not bytes, so Chinese passphrases are measured fairly", () => {
    expect(codes("政务云灾备系统密码安全要求很重要啊A1")).toEqual([]);
    expect([...passwordProblems("政务云灾备A1", "bob", settings)].map((p) => p.code)).toEqual(["TOO_SHORT"]);
  });

  it("needs three character classes, refuses the user name and long runs, and lists every problem", () => {
    expect(codes("alllowercaseletters")).toEqual(["TOO_FEW_CHARACTER_CLASSES"]);
    expect(codes("Alice-Password-2026")).toEqual(["CONTAINS_USERNAME"]);
    expect(codes("Passsss-word-2026")).toEqual(["REPEATED_CHARACTERS"]);
    expect(codes("aaaa")).toEqual(["TOO_SHORT", "TOO_FEW_CHARACTER_CLASSES", "REPEATED_CHARACTERS"]);
  });

  it("R-IA-07: a password older than 90 days must be changed", () => {
    const changed = new Date("2026-08-01T00:00:00Z");

    expect(passwordExpired(changed, new Date("2026-10-29T23:59:59Z"), settings)).toBe(false);
    expect(passwordExpired(changed, new Date("2026-10-30T00:00:00Z"), settings)).toBe(true);
  });
});

describe("password hashing (R-IA-03)", () => {
  it("stores only a salted scrypt hash that verifies the right password and no other", async () => {
    const stored = await hashPassword("Gov-Cloud-DR12");

    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored).not.toContain("Gov-Cloud-DR12");
    expect(await verifyPassword("Gov-Cloud-DR12", stored)).toBe(true);
    expect(await verifyPassword("Gov-Cloud-DR13", stored)).toBe(false);
    expect(await hashPassword("Gov-Cloud-DR12")).not.toBe(stored);
  });

  it("treats NFKC-equivalent spellings as the same password and refuses unknown formats", async () => {
    const stored = await hashPassword("Ｇov-Cloud-DR12");

    expect(await verifyPassword("Gov-Cloud-DR12", stored)).toBe(true);
    expect(await verifyPassword("x", "plaintext")).toBe(false);
    expect(needsRehash("scrypt$16384$8$1$salt$key")).toBe(true);
    expect(needsRehash(stored)).toBe(false);
  });
});
