import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, signIn } from "./support/api.ts";
import { localStack } from "./support/emulator.ts";
import { addUser, seedTenantUser } from "./support/seed.ts";

const password = "Fuzzing-Admin-2026!";
const runs = Number(process.env.GOVDR_FUZZ_RUNS ?? 15);

/** Any UTF-16 code unit, so strings hold lone surrogates, which fast-check's own units never make. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** Text that is not well-formed: a lone surrogate somewhere, with NUL and other controls around it. */
const illFormedText = fc
  .tuple(
    fc.string({ unit: codeUnit, maxLength: 20 }),
    fc.constantFrom("\ud800", "\udfff", "\udbff\u0000", "\u0000\udc00", "a\ud83d"),
    fc.string({ unit: codeUnit, maxLength: 20 }),
  )
  .map(([before, lone, after]) => `${before}${lone}${after}`);

/** Values that can never satisfy a field that expects a short string, number, enum or object. */
const wrongValue = fc.oneof(
  illFormedText,
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  fc.string({ minLength: 5000, maxLength: 70_000 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map((s) => `\u0000${s}\u202e`),
  fc.double({ noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
);

/** A valid body with one required field replaced by a wrong value: always invalid, never half-valid. */
const mutated = (valid: Record<string, unknown>, required: string[]) =>
  fc.tuple(fc.constantFrom(...required), wrongValue).map(([key, value]) => ({ ...valid, [key]: value }));

const anyBody = fc.oneof(
  fc.json(),
  fc.anything({ stringUnit: codeUnit }).map((v) => JSON.stringify(v) ?? "null"),
  fc.string({ unit: "grapheme" }),
  fc.anything().map((v) => JSON.stringify(v) ?? "null"),
);

let admin: string;
let auditor: string;
let systemId: string;

async function send(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${localStack().apiUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

function expectRefused(answer: { status: number; text: string }, what: string) {
  expect(answer.status, `${what} → ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, what).toBeLessThan(500);
  expect(JSON.parse(answer.text).code, what).toMatch(/^[A-Z_]+$/);
}

const system = {
  name: "基线系统",
  importanceClass: 4,
  drLevel: 2,
  recoveryPriority: 1,
  architecture: "remote-active-standby",
  assessedOn: "2026-10-01",
};
const policy = {
  backup: {
    sources: [{ type: "stdin", name: "dump" }],
    type: "full",
    schedule: { kind: "every", minutes: 60 },
  },
  retention: { days: 30, objectLockMode: "COMPLIANCE" },
  replication: { mode: "scheduled-backup", site: "remote", region: "cn-northwest-1", distanceKm: 1200 },
  crypto: { suite: "aes-256-gcm" },
  failover: { mode: "restore-from-dr", approvalRequired: true, adapter: "record" },
};

beforeAll(async () => {
  const seeded = await seedTenantUser({ password, roles: ["tenant-admin"] });
  const aud = await addUser(seeded.tenant.tenantId, "tenant-auditor", password);
  admin = (await signIn(seeded.user.userName, password)).token;
  auditor = (await signIn(aud.userName, password)).token;
  const created = await call("POST", "/systems", { token: admin, body: system });
  systemId = created.body.systemId as string;
  expect((await call("PUT", `/systems/${systemId}/policy`, { token: admin, body: policy })).status).toBe(200);
});

describe("bad input never causes a 5xx or a change (property-based)", () => {
  const bodies: [string, string, () => string | undefined, Record<string, unknown>, string[]][] = [
    [
      "POST",
      "/auth/login",
      () => undefined,
      { userName: "someone", password: "x" },
      ["userName", "password"],
    ],
    [
      "POST",
      "/auth/agent-token",
      () => undefined,
      { keyId: "ak-0123456789ab", secret: "x".repeat(43) },
      ["keyId", "secret"],
    ],
    [
      "POST",
      "/tenants",
      () => undefined,
      {
        name: "某单位",
        unifiedSocialCreditCode: "11500000MB1234567X",
        contact: { name: "a", email: "a@b.cn", phone: "023-1234567" },
        admin: { userName: "x.y.z", displayName: "x" },
        adminPassword: "Valid-Password-2026",
      },
      ["name", "unifiedSocialCreditCode", "contact", "admin", "adminPassword"],
    ],
    [
      "POST",
      "/systems",
      () => admin,
      system,
      ["name", "importanceClass", "drLevel", "recoveryPriority", "architecture", "assessedOn"],
    ],
    [
      "PUT",
      "/systems/{id}",
      () => admin,
      system,
      ["name", "importanceClass", "drLevel", "recoveryPriority", "architecture", "assessedOn"],
    ],
    [
      "PUT",
      "/systems/{id}/policy",
      () => admin,
      policy,
      ["backup", "retention", "replication", "crypto", "failover"],
    ],
  ];

  for (const [method, template, token, valid, required] of bodies) {
    it(`${method} ${template}: mutated and random bodies are refused with 4xx`, async () => {
      const path = () => template.replace("{id}", systemId);
      await fc.assert(
        fc.asyncProperty(mutated(valid, required), async (body) => {
          expectRefused(
            await send(method, path(), token(), body),
            `${method} ${template} ${JSON.stringify(body).slice(0, 120)}`,
          );
        }),
        {
          numRuns: runs,
          examples: [
            [{ ...valid, [required[0] as string]: "\u0000名称\u202e" }],
            [{ ...valid, [required[0] as string]: "\ud800" }],
            [{ ...valid, [required.at(-1) as string]: "\ud800" }],
          ],
        },
      );
      await fc.assert(
        fc.asyncProperty(anyBody, async (body) => {
          expectRefused(
            await send(method, path(), token(), body),
            `${method} ${template} raw ${String(body).slice(0, 120)}`,
          );
        }),
        // Counterexamples fast-check found once; they stay in every run.
        { numRuns: runs, examples: [['{"__proto__":false}'], ["[-9007199254740992]"], ['{"name":5e-324}']] },
      );
    });
  }

  it("random path ids and query strings are refused with 4xx on every read route", async () => {
    // Percent-escapes that decode to no valid UTF-8 (a lone surrogate's bytes, a cut sequence), and NUL.
    const brokenEscapes = fc.constantFrom("%ED%A0%80", "%ED%BF%BF", "%F0%9F", "%C3", "%00", "%FF%FE");
    const junk = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }).map(encodeURIComponent),
      fc.tuple(fc.string({ maxLength: 10 }), brokenEscapes).map(([s, e]) => `${encodeURIComponent(s)}${e}`),
    );
    await fc.assert(
      fc.asyncProperty(junk, junk, async (id, value) => {
        for (const [path, token] of [
          [`/systems/${id}`, admin],
          [`/tenants/${id}`, admin],
          [`/systems?limit=${value}`, admin],
          [`/systems?cursor=${value}`, admin],
          [`/audit/events?from=${value}`, auditor],
          [`/audit/events?cursor=${value}`, auditor],
          [`/audit/export?format=${value}`, auditor],
        ] as const) {
          const answer = await send("GET", path, token);
          if (answer.status === 200) continue; // e.g. a limit that happens to be a valid number
          expectRefused(answer, `GET ${path}`);
        }
      }),
      { numRuns: runs },
    );
  });

  it("left the unit exactly as it was: one system, one policy version", async () => {
    const systems = await call("GET", "/systems", { token: admin });
    const versions = await call("GET", `/systems/${systemId}/policy/versions`, { token: admin });

    expect(
      (systems.body.items as { name: string; version: number }[]).map((s) => [s.name, s.version]),
    ).toEqual([[system.name, 2]]);
    expect((versions.body.items as unknown[]).length).toBe(1);
  });
});
