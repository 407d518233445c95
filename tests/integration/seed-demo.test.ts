import { randomInt } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListSchedulesCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { describe, expect, it } from "vitest";
import { ensureDemoAgent } from "../../cli/local-stack/demo-agent.ts";
import { ensureDemoBackup } from "../../cli/local-stack/demo-backup.ts";
import { seedDemo } from "../../cli/local-stack/seed-demo.ts";
import { pollUntil } from "../../cli/poll.ts";
import { passwordProblems } from "../../shared/identity/password-policy.ts";
import { defaultIdentitySettings } from "../../shared/identity/settings.ts";
import { call, signIn } from "./support/api.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

describe("demo seed (npm start)", () => {
  it("R-IA-08: prints one-time passwords that work once and must be changed; a chosen password survives re-seeding", async () => {
    const names = {
      tenantAdmin: uniqueName("demo").replace("-", "."),
      platformAdmin: uniqueName("ops").replace("-", "."),
      creditCode: `11500000MB${String(randomInt(1e7)).padStart(7, "0")}X`,
    };

    const first = await seedDemo(localStack(), names);
    const [tenantAdmin, platformAdmin] = first;
    expect(first.map((a) => a.role)).toEqual(["tenant-admin", "platform-admin"]);
    for (const account of first) {
      expect(
        passwordProblems(account.oneTimePassword ?? "", account.userName, defaultIdentitySettings),
      ).toEqual([]);
    }

    const firstLogin = await call("POST", "/auth/login", {
      body: { userName: names.tenantAdmin, password: tenantAdmin?.oneTimePassword },
    });
    expect(firstLogin.body.scope).toBe("change-password");
    const session = await signIn(names.tenantAdmin, tenantAdmin?.oneTimePassword ?? "", {
      newPassword: "Demo-Chosen-Pass-2026",
    });
    expect((await call("GET", "/auth/session", { token: session.token })).body).toMatchObject({
      roles: ["tenant-admin"],
    });
    const systems = (await call("GET", "/systems", { token: session.token })).body.items as {
      importanceClass: number;
      policyVersion: number;
    }[];
    expect(systems.map((s) => [s.importanceClass, s.policyVersion]).sort()).toEqual([
      [3, 1],
      [5, 1],
    ]);

    const second = await seedDemo(localStack(), names);

    expect(second[0]).toEqual({ userName: names.tenantAdmin, role: "tenant-admin" });
    expect(second[1]?.oneTimePassword).toBeDefined();
    expect(second[1]?.oneTimePassword).not.toBe(platformAdmin?.oneTimePassword);
    expect(
      (
        await call("POST", "/auth/login", {
          body: { userName: names.platformAdmin, password: platformAdmin?.oneTimePassword },
        })
      ).status,
    ).toBe(401);
  });

  it("writes a working agent key for the demo unit's first system, and keeps it on the next start", async () => {
    const names = {
      tenantAdmin: uniqueName("demo").replace("-", "."),
      platformAdmin: uniqueName("ops").replace("-", "."),
      creditCode: `11500000MB${String(randomInt(1e7)).padStart(7, "0")}X`,
    };
    await seedDemo(localStack(), names);
    const dir = await mkdtemp(path.join(tmpdir(), "govdr-demo-agent-"));
    const file = path.join(dir, "demo-agent.key");
    try {
      const first = await ensureDemoAgent(localStack(), names.tenantAdmin, file);
      const credential = (await readFile(file, "utf8")).trim();
      const [keyId, secret] = credential.split(".");
      const session = await call("POST", "/auth/agent-token", { body: { keyId, secret } });
      const second = await ensureDemoAgent(localStack(), names.tenantAdmin, file);

      expect(session).toMatchObject({ status: 200, body: { scope: "agent", systemId: first?.systemId } });
      expect(second).toEqual(first);
      expect((await readFile(file, "utf8")).trim()).toBe(credential);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("gives the demo system real backed-up data in the vault and a daily drill, so a drill passes at once (issue #18 item 9)", async () => {
    const names = {
      tenantAdmin: uniqueName("demo").replace("-", "."),
      platformAdmin: uniqueName("ops").replace("-", "."),
      creditCode: `11500000MB${String(randomInt(1e7)).padStart(7, "0")}X`,
    };
    const [admin] = await seedDemo(localStack(), names);
    const dir = await mkdtemp(path.join(tmpdir(), "govdr-demo-backup-"));
    try {
      const agent = await ensureDemoAgent(localStack(), names.tenantAdmin, path.join(dir, "demo-agent.key"));
      if (!agent) throw new Error("no demo agent");
      const snapshotId = await ensureDemoBackup(localStack(), agent, () => {});
      const again = await ensureDemoBackup(localStack(), agent, () => {});
      const { token } = await signIn(names.tenantAdmin, admin?.oneTimePassword ?? "", {
        newPassword: "Demo-Chosen-Pass-2026",
      });

      expect(snapshotId).toMatch(/^[0-9a-f]{16}$/);
      expect(again).toBe(snapshotId);
      const { Schedules = [] } = await new SchedulerClient(clientConfig()).send(
        new ListSchedulesCommand({ GroupName: "govdr-drills", NamePrefix: `drill-${agent.systemId}-` }),
      );
      expect(Schedules).toHaveLength(1);
      const replication = await pollUntil(
        async () => {
          const answer = await call("GET", `/systems/${agent.systemId}/replication`, { token });
          return answer.body.status === "ok" ? answer.body : undefined;
        },
        { timeoutMs: 30_000, what: "the demo snapshot in the DR vault" },
      );
      expect(replication.newestReplicatedSnapshot).toMatchObject({ snapshotId });
      const started = await call("POST", `/systems/${agent.systemId}/drills`, { token, body: {} });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const drill = await pollUntil(
        async () => {
          const answer = await call("GET", `/systems/${agent.systemId}/drills/${started.body.drillId}`, {
            token,
          });
          return answer.body.status === "running" ? undefined : answer.body;
        },
        { timeoutMs: 60_000, intervalMs: 1000, what: "the demo drill" },
      );
      expect(drill).toMatchObject({ status: "completed", verdict: "PASS", recoveryPoint: { snapshotId } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
