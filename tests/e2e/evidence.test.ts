import { randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleServer } from "../../cli/console/server.ts";
import { loadLocalStack } from "../../cli/local-stack/deploy.ts";
import { seedDemo } from "../../cli/local-stack/seed-demo.ts";
import { call, signIn } from "../integration/support/api.ts";
import { policy, snapshotReport, system } from "../integration/support/bodies.ts";
import { clientConfig, localStack, uniqueName } from "../integration/support/emulator.ts";
import { agentOf, platformUser, tenantWithAuditor } from "../integration/support/seed.ts";
import { launchBrowser, screenshotBothLanguages, signedInPage, startConsole } from "./support/console.ts";

let browser: Browser;
let server: ConsoleServer;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startConsole();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A signed-in page that records what the console writes to its error log. */
async function pageOf(user: { token: string; userName: string }) {
  const page = await signedInPage(browser, user, "zh");
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on(
    "console",
    (message) => message.type() === "error" && errors.push(`${message.text()} (${message.location().url})`),
  );
  return { page, errors };
}

const heading = (page: Page, name: string) => page.getByRole("heading", { name, exact: true });

describe("the evidence pages: audit search, export and chain verification; the dashboard (issue #19, R-AU-*, R-VZ-*)", () => {
  it("an auditor finds the admin's policy change in the audit search, opens it, exports it as CSV and verifies the chain", async () => {
    const unit = await tenantWithAuditor();
    const created = await call("POST", "/systems", {
      token: unit.admin.token,
      body: system(uniqueName("社保经办系统")),
    });
    expect(created.status).toBe(201);
    const systemId = created.body.systemId as string;
    const put = await call("PUT", `/systems/${systemId}/policy`, {
      token: unit.admin.token,
      body: policy({ kind: "every", minutes: 30 }),
    });
    expect(put.status).toBe(200);

    const auditorName = (await call("GET", "/auth/session", { token: unit.auditor.token })).body
      .userId as string;
    const { page, errors } = await pageOf({ token: unit.auditor.token, userName: auditorName });
    await page.goto(`${server.url}audit`);
    await heading(page, "审计").waitFor();
    // The auditor's navigation has the audit page.
    expect(
      await page
        .getByRole("navigation")
        .getByRole("link", { name: "审计", exact: true })
        .first()
        .getAttribute("href"),
    ).toBe("/audit");

    // Filter by the policy change's event name; the event is chained within seconds.
    await page.getByLabel("事件名称").fill("PutPolicy");
    await page.getByLabel("资源编号").fill(systemId);
    // A range over 31 days is refused next to its field, and what was typed stays.
    const from = page.getByLabel("开始时间");
    const defaultFrom = await from.inputValue();
    await from.fill("2025-01-01T00:00:00");
    await page.getByRole("button", { name: "检索", exact: true }).click();
    await page
      .getByRole("alert")
      .getByText(/时间范围不能超过 31 天/)
      .waitFor();
    expect(await from.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("事件名称").inputValue()).toBe("PutPolicy");
    await from.fill(defaultFrom);
    const results = page.getByRole("table", { name: "审计记录（按时间从早到晚）" });
    const row = results.getByRole("row").filter({ hasText: "PutPolicy" });
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "检索", exact: true }).click();
          await page.getByText(/^已显示 \d+ 条/).waitFor();
          return (await row.filter({ hasText: /已入链 #\d+/ }).count()) === 1;
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe(true);
    // Only the filtered event is left (the header row and one event), on the system it changed.
    await expect.poll(() => results.getByRole("row").count()).toBe(2);
    await expect(row.getByText(`govdr::system:${systemId}`).count()).resolves.toBe(1);
    await screenshotBothLanguages(page, "audit-search", (p, language) =>
      p
        .getByRole("heading", { name: language === "zh" ? "检索审计记录" : "Search the audit trail" })
        .waitFor(),
    );

    // The event's detail: every field and the chain fields.
    await row.getByRole("button", { name: /^详情/ }).click();
    const detail = page.getByTestId("audit-detail");
    await detail.getByText(`govdr::system:${systemId}`).waitFor();
    await expect(detail.getByText("哈希链字段").count()).resolves.toBe(1);
    const hash = await detail.locator("dt:text-is('本条哈希') + dd code").innerText();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await page.getByRole("button", { name: "关闭" }).click();

    // Export the same query as CSV: the file holds the event, with its hash.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "导出 CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^govdr-audit-.+\.csv$/);
    const csv = await readFile((await file.path()) as string, "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]?.startsWith("state,sequence,eventTime")).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("PutPolicy");
    expect(lines[1]).toContain(hash);
    await page.getByText(/已导出 1 条记录/).waitFor();

    // Verify the chain: intact, with the number of records checked.
    await page.getByRole("button", { name: "开始校验" }).click();
    const verdict = page.getByTestId("verify-result");
    await verdict.getByText("哈希链完整").waitFor();
    const checked = Number((await verdict.getByTestId("verify-checked").innerText()).replace(/\D/g, ""));
    const api = await call("GET", "/audit/verify", { token: unit.auditor.token });
    expect(api.body.ok).toBe(true);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(api.body.checked as number);
    await screenshotBothLanguages(page, "audit-verify", async (p, language) => {
      await p
        .getByTestId("verify-result")
        .getByText(language === "zh" ? "哈希链完整" : "The chain is intact")
        .waitFor();
      await p.getByTestId("audit-verify").scrollIntoViewIfNeeded();
    });
    expect(errors).toEqual([]);

    // A platform auditor reviews any unit's trail: the unit is chosen by its id.
    const staff = await platformUser("platform-auditor");
    const platform = await pageOf({ token: staff.token, userName: staff.user.userName });
    await platform.page.goto(`${server.url}audit`);
    await heading(platform.page, "审计").waitFor();
    await platform.page.getByLabel("审计范围").selectOption("unit");
    await platform.page.getByLabel("单位编号").fill(unit.tenant.tenantId);
    await platform.page.getByLabel("事件名称").fill("PutPolicy");
    await platform.page.getByRole("button", { name: "检索", exact: true }).click();
    const unitRows = platform.page
      .getByRole("table", { name: "审计记录（按时间从早到晚）" })
      .getByRole("row");
    await unitRows
      .filter({ hasText: "PutPolicy" })
      .filter({ hasText: `govdr::system:${systemId}` })
      .waitFor();
    // Only the unit's policy change is left: the header row and one event.
    await expect.poll(() => unitRows.count()).toBe(2);
    expect(platform.errors).toEqual([]);
    await platform.page.context().close();

    // A unit administrator has no audit page: not in the navigation, and opening it says who may.
    const admin = await pageOf({ token: unit.admin.token, userName: unit.user.userName });
    await admin.page.goto(`${server.url}audit`);
    const forbidden = admin.page.getByTestId("forbidden");
    await forbidden.getByText("单位审计员、平台审计员").waitFor();
    await expect(
      admin.page.getByRole("navigation").getByRole("link", { name: "审计" }).count(),
    ).resolves.toBe(0);
    await admin.page.context().close();
    await page.context().close();
  });

  it("a broken chain names its first broken record, and its button finds the record in the search", async () => {
    const { tenant, auditor } = await tenantWithAuditor();
    // The unit's first records are chained within seconds; then an operator edits the second one.
    await expect
      .poll(async () => (await call("GET", "/audit/verify", { token: auditor.token })).body.checked, {
        timeout: 20_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(2);
    await new DynamoDBClient(clientConfig()).send(
      new UpdateItemCommand({
        TableName: localStack().auditTable,
        Key: { pk: { S: `TENANT#${tenant.tenantId}#AUDIT` }, sk: { S: "SEQ#000000000002" } },
        UpdateExpression: "SET #e.#s = :ip",
        ExpressionAttributeNames: { "#e": "event", "#s": "sourceIPAddress" },
        ExpressionAttributeValues: { ":ip": { S: "203.0.113.7" } },
      }),
    );
    const answer = await call("GET", "/audit/verify", { token: auditor.token });
    const eventID = (answer.body.firstProblem as { eventID: string }).eventID;

    const { page, errors } = await pageOf({ token: auditor.token, userName: "auditor" });
    await page.goto(`${server.url}audit`);
    await page.getByRole("button", { name: "开始校验" }).click();
    const verdict = page.getByTestId("verify-result");
    await verdict.getByText("哈希链异常").waitFor();
    const problem = verdict.getByTestId("first-problem");
    await problem.getByText("记录被篡改：内容与其哈希不符").waitFor();
    await problem.getByText(eventID).waitFor();
    expect(await problem.locator("dt:text-is('序号') + dd").innerText()).toBe("2");

    await problem.getByRole("button", { name: "在检索结果中查看该记录" }).click();
    const flagged = page
      .getByRole("table", { name: "审计记录（按时间从早到晚）" })
      .getByRole("row")
      .filter({ hasText: "首个异常记录" });
    await flagged.waitFor();
    await expect(flagged.count()).resolves.toBe(1);
    await flagged.getByText("已入链 #2").waitFor();
    await flagged.getByText("203.0.113.7").waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("the dashboard shows the demo data: the demo unit's two systems in the compliance table and the cards' counts", async () => {
    const tenantAdmin = uniqueName("demo").replace("-", ".");
    const accounts = await seedDemo(loadLocalStack(), {
      tenantAdmin,
      platformAdmin: uniqueName("platform").replace("-", "."),
      creditCode: `11500000MB${String(randomInt(1e7)).padStart(7, "0")}X`,
    });
    const password = accounts.find((a) => a.userName === tenantAdmin)?.oneTimePassword as string;
    const { token } = await signIn(tenantAdmin, password);
    const { page, errors } = await pageOf({ token, userName: tenantAdmin });
    await page.goto(`${server.url}`);
    // The dashboard is a unit's first page.
    await heading(page, "概览").waitFor();
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await page
      .getByTestId("checked-at")
      .getByText(/^数据时间：/)
      .waitFor();

    const table = page.getByRole("table", { name: "各业务系统的 RPO/RTO（精确数值）" });
    for (const name of ["政务服务门户", "内部办公系统"]) {
      await expect(table.getByRole("link", { name }).count()).resolves.toBe(1);
    }
    await expect(table.getByRole("row").count()).resolves.toBe(3);
    // Two systems with a policy and no snapshot yet: none compliant, none in breach, not measured.
    expect(await page.getByTestId("card-systems").locator(".card-value").innerText()).toBe("2");
    expect(await page.getByTestId("card-compliant").locator(".card-value").innerText()).toBe("0 / 2");
    expect(await page.getByTestId("card-breaches").locator(".card-value").innerText()).toBe("0");
    await page.getByTestId("card-last-drill").getByText("尚未演练").waitFor();
    await expect(table.getByText("尚未测得").count()).resolves.toBe(4);
    await expect(page.getByTestId("alarms").getByText("尚无快照").count()).resolves.toBe(2);
    await page
      .getByTestId("storage")
      .locator(".ev-summary", { hasText: /共保护 0 B/ })
      .waitFor();

    // Refresh loads again and keeps the page.
    await page.getByRole("button", { name: "刷新" }).click();
    await page
      .getByTestId("checked-at")
      .getByText(/^数据时间：/)
      .waitFor();
    await expect(table.getByRole("row").count()).resolves.toBe(3);

    await screenshotBothLanguages(page, "dashboard", (p, language) =>
      p
        .getByRole("table", {
          name: language === "zh" ? "各业务系统的 RPO/RTO（精确数值）" : "RPO/RTO per system (exact values)",
        })
        .waitFor(),
    );

    // The portal's agent reports a snapshot: after a refresh the dashboard counts its bytes and the ratio.
    const listed = await call("GET", "/systems", { token });
    const portal = (listed.body.items as { systemId: string; name: string }[]).find(
      (s) => s.name === "政务服务门户",
    );
    const agent = await agentOf(token, portal?.systemId as string);
    const reported = await call("PUT", `/systems/${portal?.systemId}/snapshots/00000000000000dd`, {
      token: agent.token,
      body: snapshotReport({
        stats: { files: 4, dirs: 1, bytes: 4096, readBytes: 4096, newBlobs: 1, newBytes: 1024 },
      }),
    });
    expect(reported.status).toBe(201);
    await page.getByRole("button", { name: "刷新" }).click();
    const bytes = page.getByRole("table", { name: "各业务系统的数据量（精确数值）" });
    const portalBytes = bytes.getByRole("row").filter({ hasText: "政务服务门户" });
    await portalBytes.getByText("4 : 1").waitFor();
    // Protected (newest snapshot), snapshots, their bytes, what they newly stored, the ratio.
    expect(await portalBytes.getByRole("cell").allInnerTexts()).toEqual([
      "政务服务门户",
      "4 KiB",
      "1",
      "4 KiB",
      "1 KiB",
      "4 : 1",
    ]);
    await page
      .getByTestId("storage")
      .locator(".ev-summary", { hasText: /共保护 4 KiB/ })
      .waitFor();
    await expect(page.getByTestId("alarms").getByText("尚无快照").count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
