import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleServer } from "../../cli/console/server.ts";
import { call, signIn } from "../integration/support/api.ts";
import { backUp, replicated, unitWithSystem } from "../integration/support/dr-unit.ts";
import { clientConfig, localStack } from "../integration/support/emulator.ts";
import { addUser } from "../integration/support/seed.ts";
import { launchBrowser, screenshotBothLanguages, signedInPage, startConsole } from "./support/console.ts";

let browser: Browser;
let server: ConsoleServer;
let work: string;
let unit: Awaited<ReturnType<typeof unitWithSystem>>;
let snapshotId: string;
let auditorToken: string;
let auditorName: string;
/** Errors the pages wrote to the console (each test checks its own page's). */
const errors = new Map<Page, string[]>();

const auditorPassword = "Drill-Auditor-2026!";

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startConsole();
  work = await mkdtemp(path.join(tmpdir(), "govdr-e2e-dr-"));
  // A unit with a class-3 system, its policy and a real snapshot in the vault and its DR copy.
  unit = await unitWithSystem();
  // The replication monitor (every minute on the stack) measures it before and after its first backup.
  await runReplicationMonitor();
  const backup = await backUp(unit, work);
  snapshotId = backup.snapshotId;
  await replicated(backup.prefix, snapshotId);
  await runReplicationMonitor();
  const auditor = await addUser(unit.tenant.tenantId, "tenant-auditor", auditorPassword);
  auditorName = auditor.userName;
  auditorToken = (await signIn(auditor.userName, auditorPassword)).token;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** One run of the replication monitor, as its schedule runs it. */
async function runReplicationMonitor() {
  const { FunctionError, Payload } = await new LambdaClient(clientConfig()).send(
    new InvokeCommand({ FunctionName: localStack().replicationMonitorFunction, Payload: Buffer.from("{}") }),
  );
  if (FunctionError) throw new Error(`replication monitor: ${Buffer.from(Payload ?? []).toString("utf8")}`);
}

/** A tab of the system's page. */
const tabUrl = (tab: string, query = "") => `${server.url}systems/${unit.systemId}/${tab}${query}`;

async function pageOf(user: { token: string; userName: string }) {
  const page = await signedInPage(browser, user, "zh");
  const seen: string[] = [];
  page.on("pageerror", (error) => seen.push(String(error)));
  page.on("console", (message) => message.type() === "error" && seen.push(message.text()));
  errors.set(page, seen);
  return page;
}

let admin: Page;
const adminPage = async () => {
  admin ??= await pageOf({ token: unit.token, userName: "drill.admin" });
  return admin;
};

describe("the DR work of a system in the console (issue #19)", () => {
  it("lists the snapshot and the point-in-time picker finds it as the recovery point", async () => {
    const page = await adminPage();
    await page.goto(tabUrl("snapshots"));
    const row = page.getByRole("row").filter({ hasText: snapshotId });
    await row.waitFor();
    await expect.poll(() => row.getByRole("cell").count()).toBeGreaterThan(5);

    // A moment before any snapshot: nothing to recover to.
    await page.getByLabel("日期").fill("2020-01-01");
    await page.getByLabel("时间", { exact: true }).fill("08:00:00");
    await page.getByRole("button", { name: "查找恢复点" }).click();
    await page.getByText("该时间点及之前没有快照").waitFor();

    // Now (in the browser's time zone): the snapshot just taken is in force.
    const now = await page.evaluate(() => {
      const d = new Date(Date.now() + 60_000);
      const pad = (n: number) => String(n).padStart(2, "0");
      return {
        date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
        time: `${pad(d.getHours())}:${pad(d.getMinutes())}:00`,
      };
    });
    await page.getByLabel("日期").fill(now.date);
    await page.getByLabel("时间", { exact: true }).fill(now.time);
    await page.getByRole("button", { name: "查找恢复点" }).click();
    const found = page.getByTestId("recovery-point");
    await found.getByText(snapshotId).waitFor();
    await row.getByText("所选时间点的恢复点").waitFor();
    await screenshotBothLanguages(page, "system-snapshots", (p, language) =>
      p.getByRole("button", { name: language === "zh" ? "查找恢复点" : "Find recovery point" }).waitFor(),
    );

    // The snapshot's detail view.
    await page.getByRole("link", { name: `查看快照 ${snapshotId}` }).click();
    await page.getByRole("heading", { name: `快照 ${snapshotId}` }).waitFor();
    const record = await call("GET", `/systems/${unit.systemId}/snapshots/${snapshotId}`, {
      token: unit.token,
    });
    await page.getByText(record.body.merkleRoot as string).waitFor();
    expect(errors.get(page)).toEqual([]);
  });

  it("shows the replication status with its explanation and the monitor's history", async () => {
    const page = await adminPage();
    await page.goto(tabUrl("replication"));
    const status = page.getByTestId("replication-status");
    await status.waitFor();
    const answer = await call("GET", `/systems/${unit.systemId}/replication`, { token: unit.token });
    // The snapshot is in the DR vault: the status is measured against the target, never "no snapshot".
    expect(["ok", "breach"]).toContain(answer.body.status);
    expect(["ok", "breach"]).toContain(await status.getAttribute("data-status"));
    await page.getByText("RPO 目标为").first().waitFor();
    await page.getByRole("img", { name: "可达 RPO 与 RPO 目标对比图" }).waitFor();
    // The monitor's measurements: before the first backup (no snapshot) and after it (the schedule
    // may add more of its own meanwhile).
    const history = await call("GET", `/systems/${unit.systemId}/replication/history`, { token: unit.token });
    const statuses = (history.body.items as { status: string }[]).map((c) => c.status);
    expect(statuses).toContain("no-snapshot");
    expect(statuses.some((s) => s === "ok" || s === "breach")).toBe(true);
    await page.getByRole("img", { name: "可达 RPO 随时间变化图" }).waitFor();
    const table = page.getByRole("table", { name: "复制监测记录" });
    await table.getByText("达标").or(table.getByText("超出 RPO 目标")).first().waitFor();
    // The monitor measures every minute: a slow run sees more than one row.
    await table.getByText("尚无快照").first().waitFor();
    await screenshotBothLanguages(page, "system-replication", (p, language) =>
      p.getByRole("heading", { name: language === "zh" ? "复制监测历史" : "Replication history" }).waitFor(),
    );
    expect(errors.get(page)).toEqual([]);
  });

  it("shows a new agent key's credential once, and revokes the key", async () => {
    const page = await adminPage();
    await page.goto(tabUrl("agent-keys"));
    await page.getByRole("button", { name: "新建密钥" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("名称").fill("文件服务器 fs02");
    await dialog.getByRole("button", { name: "创建" }).click();
    const credentialField = dialog.getByTestId("credential");
    await credentialField.waitFor();
    const credential = await credentialField.inputValue();
    expect(credential).toMatch(/^ak-[0-9a-z]{12}\.[A-Za-z0-9_-]{43}$/);
    await dialog.getByText("关闭本对话框后将无法再次查看").waitFor();
    expect(await dialog.getByTestId("agent-command").textContent()).toContain(
      `GOVDR_AGENT_KEY='${credential}'`,
    );
    expect(await dialog.getByTestId("agent-install-command").textContent()).toContain(
      `printf '%s\\n' '${credential}' > /root/govdr-agent.key`,
    );
    const [keyId, secret] = credential.split(".") as [string, string];

    await dialog.getByRole("button", { name: "我已保存，关闭" }).click();
    const row = page.getByRole("row").filter({ hasText: keyId });
    await row.getByText("有效").waitFor();
    // Gone from the page once the dialog is closed.
    expect(await page.content()).not.toContain(secret);

    await row.getByRole("button", { name: "吊销 文件服务器 fs02" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "确认吊销" }).click();
    await row.getByText("已吊销").waitFor();
    const keys = await call("GET", `/systems/${unit.systemId}/agent-keys`, { token: unit.token });
    expect(
      (keys.body.items as { keyId: string; status: string }[]).find((k) => k.keyId === keyId),
    ).toMatchObject({ status: "revoked" });
    await screenshotBothLanguages(page, "system-agent-keys", (p, language) =>
      p
        .getByRole("row")
        .filter({ hasText: keyId })
        .getByText(language === "zh" ? "已吊销" : "Revoked")
        .waitFor(),
    );
    expect(errors.get(page)).toEqual([]);
  });

  it("explains why a platform backup cannot start when the policy names no server-side source", async () => {
    const page = await adminPage();
    await page.goto(tabUrl("backups"));
    await page.getByRole("button", { name: "立即备份" }).click();
    await page.locator('[data-code="NO_SERVER_SOURCES"]').getByText("没有指定由平台备份的数据源").waitFor();
    const jobs = await call("GET", `/systems/${unit.systemId}/backups`, { token: unit.token });
    expect(jobs.body.items).toEqual([]);
    await screenshotBothLanguages(page, "system-backups", (p, language) =>
      p.getByRole("button", { name: language === "zh" ? "立即备份" : "Back up now" }).waitFor(),
    );
    // The refused start is the only thing the browser reported.
    expect(errors.get(page)?.filter((e) => !e.includes("status of 409"))).toEqual([]);
    errors.get(page)?.splice(0);
  });

  it("runs a drill to the chosen point, follows its steps live until it completes, and downloads its JSON report", async () => {
    const page = await adminPage();
    // From the snapshots tab: the recovery point in force now, and "Run a drill to this point".
    await page.goto(tabUrl("snapshots"));
    await page.getByRole("row").filter({ hasText: snapshotId }).waitFor();
    await page.getByRole("button", { name: "查找恢复点" }).click();
    await page.getByTestId("recovery-point").getByRole("link", { name: "演练恢复到此时间点" }).click();
    await page.waitForURL(/\/drills\?pointInTime=/);
    const pointInTime = new Date(new URL(page.url()).searchParams.get("pointInTime") as string).toISOString();
    await page.getByText("已带入快照页面所选的时间点").waitFor();
    expect(await page.getByLabel("日期").inputValue()).not.toBe("");
    await page.getByRole("button", { name: "发起演练" }).click();

    // The drill's page: its steps while it runs, without reloading.
    await page.waitForURL(/\?drill=d-/);
    const drillId = new URL(page.url()).searchParams.get("drill") as string;
    const steps = page.getByTestId("drill-steps");
    await page.locator('[data-testid="drill-status"][data-status="running"]').waitFor();
    expect(await steps.locator('li[data-state="succeeded"]').count()).toBeLessThan(7);
    // Drills of a small snapshot take a second or two in the emulator: the live view is taken at
    // once, while the drill still runs (a step under way if the page's 2 s refresh has caught one).
    await screenshotBothLanguages(page, "system-drill-live");
    await page.locator('[data-testid="drill-status"][data-status="completed"]').waitFor({ timeout: 150_000 });
    await page.getByTestId("drill-live").getByText("演练已结束").waitFor();
    // Every step is done, as the page now shows them.
    for (const step of ["plan", "restore", "verify", "evaluate", "report", "cleanup", "notify"]) {
      expect(await steps.locator(`li[data-step="${step}"]`).getAttribute("data-state")).toBe("succeeded");
    }
    const drill = await call("GET", `/systems/${unit.systemId}/drills/${drillId}`, { token: unit.token });
    expect(drill.body).toMatchObject({ status: "completed", pointInTime, recoveryPoint: { snapshotId } });
    const verdict = drill.body.verdict as string;
    await expect
      .poll(() => page.getByTestId("drill-result").getByTestId("verdict").textContent())
      .toBe(verdict);
    await page.getByRole("img", { name: "实际 RTO/RPO 与目标对比图" }).waitFor();
    await screenshotBothLanguages(page, "system-drill-result", (p, language) =>
      p
        .getByRole("button", { name: language === "zh" ? "下载 JSON 报告" : "Download JSON report" })
        .waitFor(),
    );

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "下载 JSON 报告" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`govdr-drill-${drillId}.json`);
    const report = JSON.parse(await readFile(await download.path(), "utf8"));
    expect(report).toMatchObject({ kind: "govdr.drill-report", drill: { drillId, verdict } });

    // Back on the list: the drill with its verdict, and the chart of the system's drills.
    await page.getByRole("link", { name: "返回列表" }).click();
    await page.getByRole("link", { name: `查看演练 ${drillId}` }).waitFor();
    await page.getByRole("img", { name: "历次演练实际 RTO 与 RTO 目标对比图" }).waitFor();
    await screenshotBothLanguages(page, "system-drills", (p, language) =>
      p
        .getByRole("heading", {
          name: language === "zh" ? "历次演练的实际 RTO" : "Achieved RTO of each drill",
        })
        .waitFor(),
    );
    expect(errors.get(page)).toEqual([]);
  });

  it("lets a unit auditor read the drills but neither run one nor create an agent key", async () => {
    const page = await pageOf({ token: auditorToken, userName: auditorName });
    await page.goto(tabUrl("drills"));
    await page.getByRole("cell").getByText("PASS").or(page.getByRole("cell").getByText("FAIL")).waitFor();
    await page.getByText("您的角色只能查看演练记录").waitFor();
    expect(await page.getByRole("button", { name: "发起演练" }).count()).toBe(0);

    await page.goto(tabUrl("agent-keys"));
    await page.getByRole("row").filter({ hasText: "已吊销" }).first().waitFor();
    expect(await page.getByRole("button", { name: "新建密钥" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^吊销/ }).count()).toBe(0);
    expect(errors.get(page)).toEqual([]);
  });
});
