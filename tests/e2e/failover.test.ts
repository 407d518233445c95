import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleServer } from "../../cli/console/server.ts";
import { call, signIn } from "../integration/support/api.ts";
import { policy, system } from "../integration/support/bodies.ts";
import { clientConfig, localStack, uniqueName } from "../integration/support/emulator.ts";
import { deployedStores } from "../integration/support/seed.ts";
import { makeTenant, makeUser, totpCode } from "../support/identity-fixtures.ts";
import { launchBrowser, screenshotBothLanguages, signedInPage, startConsole } from "./support/console.ts";

let browser: Browser;
let server: ConsoleServer;
let primarySite: Server;
let drSite: Server;
/** Probes each site answered (the platform's health checks reach the test's own servers). */
const probes = { primary: 0, dr: 0 };
/** How long a site takes to answer (a DR site still warming up answers slowly). */
const answerDelayMs = { primary: 0, dr: 0 };
let admin: { userName: string; password: string; mfaSecret?: string; token: string };
let tenantId: string;
let systemId: string;
let page: Page;
const pageErrors: string[] = [];

const password = "Failover-Admin-2026!";

/** A small health endpoint on 127.0.0.1 (the local stage lets the platform reach loopback). */
async function healthServer(site: "primary" | "dr"): Promise<Server> {
  const http = createServer((_request, response) => {
    probes[site] += 1;
    setTimeout(() => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ site, ok: true }));
    }, answerDelayMs[site]);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return http;
}
const urlOf = (http: Server) => `http://127.0.0.1:${(http.address() as AddressInfo).port}/health`;

/** One window of the heartbeat monitor (every minute on the stack), a few seconds long. */
async function runHeartbeatMonitor(windowSeconds: number) {
  const { FunctionError, Payload } = await new LambdaClient(clientConfig()).send(
    new InvokeCommand({
      FunctionName: localStack().heartbeatMonitorFunction,
      Payload: Buffer.from(JSON.stringify({ windowSeconds })),
    }),
  );
  const answer = Buffer.from(Payload ?? []).toString("utf8");
  // The stack's own schedule runs the monitor every minute too: a window that overlaps it may find a
  // state changed meanwhile, and says so for the whole window. Our system's probes are what count.
  if (FunctionError && !answer.includes("changed meanwhile")) throw new Error(`heartbeat monitor: ${answer}`);
}

/** The system's probes, once the monitor has taken some. */
async function probed(): Promise<{ ok: boolean }[]> {
  let items: { ok: boolean }[] = [];
  for (let attempt = 0; attempt < 6 && items.length === 0; attempt++) {
    if (attempt > 0) await runHeartbeatMonitor(6);
    const answer = await call("GET", `/systems/${systemId}/heartbeats`, { token: admin.token });
    items = (answer.body.items ?? []) as { ok: boolean }[];
  }
  return items;
}

/** The switchover as the API has it (for the report when a step never ends). */
const record = async (switchId: string) =>
  (await call("GET", `/failovers/${switchId}`, { token: admin.token })).body;

/**
 * Waits for the page to show `status` on the switchover; on a timeout, fails with the API's record,
 * so a step that never ends is named with what the back end stored.
 */
async function waitForStatus(switchId: string, status: string, timeout = 150_000) {
  try {
    await page.locator(`[data-testid="switch-status"][data-status="${status}"]`).first().waitFor({ timeout });
  } catch (error) {
    throw new Error(
      `switchover ${switchId} did not reach ${status}: ${JSON.stringify(await record(switchId), null, 2)}`,
      { cause: error },
    );
  }
}

/** Clicks a sensitive action's button; when the console asks for a fresh sign-in, gives it. */
async function clickSensitive(button: ReturnType<Page["getByRole"]>, done: ReturnType<Page["locator"]>) {
  await button.click();
  const reauth = page.getByRole("dialog").filter({ hasText: "请确认身份" });
  await done.or(reauth).first().waitFor({ timeout: 30_000 });
  if (!(await reauth.isVisible())) return;
  await reauth.getByLabel("密码", { exact: true }).fill(admin.password);
  await reauth.getByRole("button", { name: "登录" }).click();
  const code = reauth.getByLabel("6 位动态口令");
  await code.or(done).first().waitFor();
  if (admin.mfaSecret && (await code.isVisible())) {
    await code.fill(await totpCode(admin.mfaSecret, new Date()));
    await reauth.getByRole("button", { name: "验证" }).click();
  }
  await done.waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startConsole();
  primarySite = await healthServer("primary");
  drSite = await healthServer("dr");
  // An active unit with its vault key, its administrator, and a system whose failover is set up:
  // both sites' health endpoints, a heartbeat, the `record` adapter, approval required.
  const kms = new KMSClient(clientConfig());
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "failover test tenant key" }));
  const tenant = { ...makeTenant(new Date(), "active"), vaultKeyId: KeyMetadata?.KeyId as string };
  tenantId = tenant.tenantId;
  const user = await makeUser({
    tenantId,
    userName: uniqueName("failover").replace("-", "."),
    password,
    roles: ["tenant-admin"],
    at: new Date(),
  });
  await deployedStores().tenants.register(tenant, user);
  const signedIn = await signIn(user.userName, password);
  admin = { userName: user.userName, ...signedIn };
  const created = await call("POST", "/systems", {
    token: admin.token,
    body: system("不动产登记系统", { healthEndpoint: urlOf(primarySite) }),
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`system: ${JSON.stringify(created)}`);
  systemId = created.body.systemId as string;
  const body = policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp");
  const set = await call("PUT", `/systems/${systemId}/policy`, {
    token: admin.token,
    body: {
      ...body,
      failover: {
        mode: "manual",
        approvalRequired: true,
        heartbeat: { intervalSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
        adapter: "record",
        drHealthEndpoint: urlOf(drSite),
        approvalTimeoutMinutes: 30,
      },
    },
  });
  if (set.status !== 200) throw new Error(`policy: ${JSON.stringify(set)}`);
  // A few probes of the primary, for the heartbeat chart.
  await runHeartbeatMonitor(11);
  page = await signedInPage(browser, { token: admin.token, userName: admin.userName }, "zh");
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && pageErrors.push(message.text()));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const http of [primarySite, drSite]) await new Promise((resolve) => http?.close(resolve));
});

const tabUrl = () => `${server.url}systems/${systemId}/failover`;

describe("failover and failback in the console (issue #20)", () => {
  it("shows the policy's failover settings on the policy tab", async () => {
    await page.goto(`${server.url}systems/${systemId}/policy`);
    const summary = page.getByTestId("policy-summary");
    await summary.getByText(urlOf(drSite)).waitFor();
    await summary.getByText("单次探测超时 2 秒", { exact: false }).waitFor();
    await summary.getByText("30 分钟", { exact: true }).waitFor();
  });

  it("shows the primary serving, the heartbeat and its probes on the system's failover tab", async () => {
    await page.goto(tabUrl());
    await page.locator('[data-testid="active-site"][data-site="primary"]').waitFor();
    await page.getByText("尚未切换过，由主站点提供服务。").waitFor();
    const items = await probed();
    expect(items.length).toBeGreaterThan(0);
    await page.reload();
    expect(probes.primary).toBeGreaterThan(0);
    await page.locator('[data-testid="heartbeat-status"][data-status="healthy"]').waitFor();
    await page.getByRole("img", { name: "最近心跳探测的响应时间图" }).waitFor();
    await page.getByText("尚无切换记录。").waitFor();
    await screenshotBothLanguages(page, "system-failover", (p, language) =>
      p.getByRole("button", { name: language === "zh" ? "切换到灾备站点" : "Fail over to DR" }).waitFor(),
    );
    expect(await page.getByRole("button", { name: "回切到主站点" }).isDisabled()).toBe(true);
  });

  it("fails over to DR: awaiting approval, approved, each step live, completed with the DR site serving", async () => {
    await page.goto(tabUrl());
    await page.locator('[data-testid="active-site"][data-site="primary"]').waitFor();
    await page.getByLabel("原因（选填，写入报告）").fill("主数据中心机房断电演练");
    await page.getByRole("button", { name: "切换到灾备站点" }).click();
    const confirm = page.getByRole("dialog").filter({ hasText: "确认切换到灾备站点" });
    await confirm.getByText("主数据中心机房断电演练").waitFor();
    await clickSensitive(
      confirm.getByRole("button", { name: "确认发起" }),
      page.getByTestId("switch-phases"),
    );
    await page.waitForURL(/\/failovers\/f-[0-9a-z]{12}$/);
    const switchId = page.url().split("/").at(-1) as string;

    // The precheck runs, then the gate opens: the page shows it without a reload.
    await waitForStatus(switchId, "awaiting-approval", 60_000);
    const approval = page.getByTestId("approval");
    await approval.getByTestId("approval-deadline").waitFor();
    await page.getByRole("button", { name: "批准切换" }).waitFor();
    await screenshotBothLanguages(page, "failover-approval", (p, language) =>
      p.getByRole("button", { name: language === "zh" ? "批准切换" : "Approve" }).waitFor(),
    );
    await page.getByLabel("审批意见（选填）").fill("同意切换");
    // The DR site answers its checks slowly (3 s of the 5 s a probe may take), so the check and
    // verify steps last long enough for the page's 2 s refresh to show them running.
    answerDelayMs.dr = 3000;
    await clickSensitive(
      page.getByRole("button", { name: "批准切换" }),
      page.locator('[data-testid="approval-decision"][data-decision="approved"]'),
    );

    // The system's steps as the page sees them go by, without a reload (it polls every 2 s; the
    // emulator runs a step in about a second, so the page catches some of them running, not all).
    const steps = page.getByTestId(`steps-${systemId}`);
    const seenRunning = new Set<string>();
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const running = await steps
        .locator('li[data-state="running"], li[data-state="failed"]')
        .first()
        .getAttribute("data-step", { timeout: 1000 })
        .catch(() => null);
      if (running) {
        if (seenRunning.size === 0) await screenshotBothLanguages(page, "failover-live");
        seenRunning.add(running);
      }
      const status = await page.getByTestId("switch-status").first().getAttribute("data-status");
      if (status && status !== "running") break;
      await page.waitForTimeout(250);
    }
    await waitForStatus(switchId, "completed", 30_000);
    answerDelayMs.dr = 0;
    expect(seenRunning.size).toBeGreaterThan(0);
    for (const step of ["fence", "recover", "check", "switch", "verify", "record"]) {
      expect(await steps.locator(`li[data-step="${step}"]`).getAttribute("data-state")).toBe("succeeded");
    }
    const done = await record(switchId);
    expect(done).toMatchObject({ status: "completed", kind: "failover", approval: { decision: "approved" } });
    expect(probes.dr).toBeGreaterThan(0);
    await page.getByTestId("achieved").waitFor();
    await page.getByRole("img", { name: "实际 RTO/RPO 与目标对比图" }).waitFor();
    await page.getByRole("button", { name: "在新标签页查看报告" }).waitFor();
    await screenshotBothLanguages(page, "failover-completed", (p, language) =>
      p
        .getByRole("button", {
          name: language === "zh" ? "在新标签页查看报告" : "Open the report in a new tab",
        })
        .waitFor(),
    );

    // The system's tab: the DR site serves, the primary is fenced, the switchover is listed.
    await page.goto(tabUrl());
    await page.locator('[data-testid="active-site"][data-site="dr"]').waitFor();
    await page.getByTestId("fenced-site").getByText("主站点").waitFor();
    await page.getByRole("link", { name: `查看切换 ${switchId}` }).waitFor();
    const route = await call("GET", `/systems/${systemId}/route`, { token: admin.token });
    expect(route.body).toMatchObject({ activeSite: "dr", switchId });
  });

  it("fails back: approved, completed, the primary serves again", async () => {
    await page.goto(tabUrl());
    await page.locator('[data-testid="active-site"][data-site="dr"]').waitFor();
    await page.getByRole("button", { name: "回切到主站点" }).click();
    const confirm = page.getByRole("dialog").filter({ hasText: "确认回切到主站点" });
    await clickSensitive(
      confirm.getByRole("button", { name: "确认发起" }),
      page.getByTestId("switch-phases"),
    );
    await page.waitForURL(/\/failovers\/f-[0-9a-z]{12}$/);
    const switchId = page.url().split("/").at(-1) as string;
    await waitForStatus(switchId, "awaiting-approval", 90_000);
    await clickSensitive(
      page.getByRole("button", { name: "批准切换" }),
      page.locator('[data-testid="approval-decision"][data-decision="approved"]'),
    );
    await waitForStatus(switchId, "completed");
    const done = await record(switchId);
    expect(done).toMatchObject({ status: "completed", kind: "failback" });
    await page.goto(tabUrl());
    await page.locator('[data-testid="active-site"][data-site="primary"]').waitFor();
    const route = await call("GET", `/systems/${systemId}/route`, { token: admin.token });
    expect(route.body).toMatchObject({ activeSite: "primary", switchId });
  });

  it("edits the failover fields in the policy form: a webhook without its URL is refused at that field, then its secret is issued once", async () => {
    await page.goto(`${server.url}systems/${systemId}/policy`);
    await page.getByRole("button", { name: "修改策略" }).click();
    const form = page.locator("form.policy-form");
    await form.getByLabel("切换执行方式").selectOption("webhook");
    const url = form.locator('[data-path="failover.webhook.url"]');
    await url.getByLabel("切换接口地址（Webhook）").waitFor();
    expect(await form.getByLabel("灾备站点健康检查地址").inputValue()).toBe(urlOf(drSite));
    expect(await form.getByLabel("审批等待时限（分钟）").inputValue()).toBe("30");
    expect(await form.getByLabel("单次探测超时（秒）").inputValue()).toBe("2");
    await form.getByRole("button", { name: "保存为新版本" }).click();
    await url.locator(".field-error").waitFor();
    await page.getByTestId("policy-issues").getByText("切换接口地址（Webhook）").waitFor();
    await screenshotBothLanguages(page, "policy-failover-fields", (p) =>
      p.locator('[data-path="failover.webhook.url"] .field-error').waitFor(),
    );
    await url.getByLabel("切换接口地址（Webhook）").fill(urlOf(primarySite).replace("/health", "/switch"));
    await form.getByRole("button", { name: "保存为新版本" }).click();
    await page
      .getByTestId("policy-summary")
      .getByText(urlOf(primarySite).replace("/health", "/switch"))
      .waitFor();

    await page.goto(tabUrl());
    await page.getByRole("button", { name: "生成新的签名密钥" }).click();
    const dialog = page.getByRole("dialog").filter({ hasText: "只显示这一次" });
    const secretField = dialog.getByTestId("webhook-secret");
    await secretField
      .or(page.getByRole("dialog").filter({ hasText: "请确认身份" }))
      .first()
      .waitFor();
    const secret = await secretField.inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await dialog.getByRole("button", { name: "我已保存，关闭" }).click();
    expect(await page.content()).not.toContain(secret);
  });

  it("plans a failover of several systems from the failovers page, and a rejection switches nothing", async () => {
    await page.goto(`${server.url}failovers`);
    await page.getByRole("table", { name: "本单位的切换与回切" }).getByText("已完成").first().waitFor();
    await page.getByLabel(/不动产登记系统/).check();
    await page.getByLabel("原因（选填，写入报告）").fill("计划内切换");
    await page.getByRole("button", { name: "发起切换" }).click();
    const confirm = page.getByRole("dialog").filter({ hasText: "确认多个系统一并切换" });
    await clickSensitive(
      confirm.getByRole("button", { name: "确认发起" }),
      page.getByTestId("planned-waves"),
    );
    await page.getByTestId("planned-waves").getByText("第 1 批: 不动产登记系统").waitFor();
    await screenshotBothLanguages(page, "failovers", (p, language) =>
      p
        .getByTestId("planned-waves")
        .getByText(language === "zh" ? "第 1 批" : "Wave 1")
        .waitFor(),
    );
    await page.getByRole("link", { name: "查看进度并审批" }).click();
    await page.waitForURL(/\/failovers\/f-[0-9a-z]{12}$/);
    const switchId = page.url().split("/").at(-1) as string;
    await waitForStatus(switchId, "awaiting-approval", 60_000);
    await clickSensitive(
      page.getByRole("button", { name: "驳回" }),
      page.locator('[data-testid="approval-decision"][data-decision="rejected"]'),
    );
    await waitForStatus(switchId, "rejected", 60_000);
    const route = await call("GET", `/systems/${systemId}/route`, { token: admin.token });
    expect(route.body).toMatchObject({ activeSite: "primary" });
    expect(pageErrors.filter((e) => !/status of 40\d/.test(e))).toEqual([]);
  });
});
