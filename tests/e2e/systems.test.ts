import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleServer } from "../../cli/console/server.ts";
import { call, signIn } from "../integration/support/api.ts";
import { system } from "../integration/support/bodies.ts";
import { seedTenantUser } from "../integration/support/seed.ts";
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

const password = "Systems-Admin-2026!";

/** A unit's administrator, signed in through every step via the API. */
async function unitAdmin() {
  const { tenant, user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
  const { token } = await signIn(user.userName, password);
  return { tenantId: tenant.tenantId, userName: user.userName, token };
}

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

/** The errors the page logged, but for the failed requests the test caused on purpose. */
const unexpected = (errors: readonly string[], expected: readonly string[]) =>
  errors.filter(
    (error) => !(error.startsWith("Failed to load resource") && expected.some((e) => error.endsWith(e))),
  );

const heading = (page: Page, name: string) => page.getByRole("heading", { name, exact: true });

describe("systems in the console: onboarding, the system page and its policy (issue #19, R-CL-*)", () => {
  it("onboards a system in the wizard: a refused policy names the rule next to its field, the fixed one is version 1, and a change shows in the diff", async () => {
    const admin = await unitAdmin();
    // A system the unit already has, which the new one depends on (class 2 on level 4: a warning).
    const existing = await call("POST", "/systems", {
      token: admin.token,
      body: system("统一身份认证平台", { importanceClass: 2, drLevel: 4, recoveryPriority: 4 }),
    });
    expect(existing.status).toBe(201);
    const { page, errors } = await pageOf(admin);

    await page.goto(`${server.url}systems`);
    await page.getByRole("link", { name: "统一身份认证平台" }).waitFor();
    await page.getByRole("link", { name: "登记业务系统" }).click();

    // Step 1: the system.
    await heading(page, "第 1 步：系统").waitFor();
    await page.getByLabel("系统名称").fill("社会保险业务经办系统");
    await page.getByLabel("系统说明").fill("参保登记、缴费核定和待遇发放。");
    expect(await page.getByLabel("定级评估日期").inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByLabel("统一身份认证平台").check();
    await page.getByRole("button", { name: "下一步" }).click();

    // Step 2: the classification, the proposed level explained as the user picks.
    await heading(page, "第 2 步：定级").waitFor();
    const proposal = page.getByTestId("proposal");
    await page.getByLabel("第2类 重要", { exact: true }).check();
    await proposal.getByText("建议的灾难恢复能力等级为第4级").waitFor();
    expect(await page.getByLabel("第4级", { exact: true }).isChecked()).toBe(true);
    await page.getByLabel("第3级", { exact: true }).check();
    await proposal.getByText("第3级只保证 RTO ≤4小时，达不到第2类（重要）要求的 RTO ≤1小时。").waitFor();
    await page.getByLabel("第3类 较重要", { exact: true }).check();
    await proposal.getByText("所选第3级能保证该类别要求的 RTO 和 RPO。").waitFor();
    await page.getByLabel("恢复优先级", { exact: true }).selectOption("2");
    await page.getByTestId("targets-in-force").getByText("RTO ≤4小时，RPO ≤1小时").waitFor();
    await screenshotBothLanguages(page, "onboarding-classification", (p, language) =>
      heading(p, language === "zh" ? "第 2 步：定级" : "Step 2: Classification").waitFor(),
    );

    // Back to step 1 and forth again: what was typed is kept.
    await page.getByRole("button", { name: "上一步" }).click();
    expect(await page.getByLabel("系统名称").inputValue()).toBe("社会保险业务经办系统");
    await page.getByRole("button", { name: "下一步" }).click();
    expect(await page.getByLabel("第3类 较重要", { exact: true }).isChecked()).toBe(true);
    await page.getByRole("button", { name: "创建系统，下一步设置策略" }).click();

    // Step 3: the policy. Backups every 4 hours cannot keep a class-3 RPO of 1 hour (R-CL-02).
    await heading(page, "第 3 步：策略").waitFor();
    await page.getByLabel("路径", { exact: true }).fill("/srv/si");
    const interval = page.getByLabel("间隔（分钟）");
    await interval.fill("240");
    await page.getByRole("button", { name: "保存灾备策略" }).click();
    const atSchedule = page.getByTestId("issues-backup.schedule");
    await atSchedule.getByText("该策略最多可能丢失4小时的数据").waitFor();
    await expect.poll(() => atSchedule.textContent()).toContain("R-CL-02");
    await page.getByTestId("policy-issues").getByText("备份计划：").waitFor();
    expect(await page.getByLabel("路径", { exact: true }).inputValue()).toBe("/srv/si");
    expect(await interval.inputValue()).toBe("240");
    await screenshotBothLanguages(page, "onboarding-policy-rejected", (p, language) =>
      p
        .getByTestId("issues-backup.schedule")
        .getByText(
          language === "zh" ? "该策略最多可能丢失4小时的数据" : "This policy can lose up to 4 h of data",
        )
        .waitFor(),
    );

    // Back to the classification and forth again: the policy typed so far is kept, the system not registered twice.
    await page.getByRole("button", { name: "上一步" }).click();
    await heading(page, "第 2 步：定级").waitFor();
    await page.getByRole("button", { name: "保存修改，下一步设置策略" }).click();
    await heading(page, "第 3 步：策略").waitFor();
    expect(await page.getByLabel("路径", { exact: true }).inputValue()).toBe("/srv/si");
    expect(await interval.inputValue()).toBe("240");
    const listed = await call("GET", "/systems", { token: admin.token });
    expect((listed.body.items as unknown[]).length).toBe(2);

    // Fixed: accepted, and the system's page says so.
    await interval.fill("60");
    await page.getByRole("button", { name: "保存灾备策略" }).click();
    await page.getByText("业务系统已登记，灾备策略 v1 已生效。").waitFor();
    const systemId = new URL(page.url()).pathname.split("/")[2] as string;
    expect(new URL(page.url()).pathname).toBe(`/systems/${systemId}/overview`);
    await heading(page, "社会保险业务经办系统").waitFor();
    const stored = await call("GET", `/systems/${systemId}/policy`, { token: admin.token });
    expect(stored.body).toMatchObject({
      version: 1,
      policy: { backup: { schedule: { kind: "every", minutes: 60 }, sources: [{ path: "/srv/si" }] } },
    });
    const registered = await call("GET", `/systems/${systemId}`, { token: admin.token });
    expect(registered.body).toMatchObject({
      importanceClass: 3,
      drLevel: 3,
      recoveryPriority: 2,
      dependsOn: [existing.body.systemId],
    });
    await page.getByRole("link", { name: "统一身份认证平台" }).waitFor();
    await screenshotBothLanguages(page, "system-overview", (p, language) =>
      heading(p, language === "zh" ? "灾备指标" : "DR targets").waitFor(),
    );

    // The policy tab: the policy in words, version 1 in force.
    await page.getByRole("link", { name: "灾备策略", exact: true }).click();
    await page.getByTestId("policy-summary").getByText("每 60 分钟一次").waitFor();
    const versions = page.getByRole("table", { name: "灾备策略的各个版本" });
    await versions.getByRole("row").filter({ hasText: "v1" }).getByText("现行").waitFor();

    // A second change: a longer retention, and the diff names that field.
    await page.getByRole("button", { name: "修改策略" }).click();
    expect(await page.getByLabel("路径", { exact: true }).inputValue()).toBe("/srv/si");
    await page.getByLabel("保留天数").fill("365");
    await page.getByRole("button", { name: "保存为新版本" }).click();
    await page.getByText("灾备策略 v2 已生效。").waitFor();
    const diff = page.getByRole("table", { name: "v1 → v2 的变化" });
    const changed = diff.getByRole("row").filter({ hasText: "保留天数" });
    await changed.getByText("修改").waitFor();
    expect(await changed.textContent()).toMatch(/180.*365/);
    expect(await diff.getByRole("row").count()).toBe(2);
    await screenshotBothLanguages(page, "system-policy-diff", (p, language) =>
      p
        .getByRole("table", { name: language === "zh" ? "v1 → v2 的变化" : "What changed from v1 to v2" })
        .waitFor(),
    );
    const history = await call("GET", `/systems/${systemId}/policy/versions`, { token: admin.token });
    expect((history.body.items as { version: number }[]).map((v) => v.version)).toEqual([1, 2]);

    // The list: both systems, with class, level, targets, policy and compliance.
    await page.getByRole("link", { name: "业务系统", exact: true }).click();
    const row = page.getByRole("row").filter({ hasText: "社会保险业务经办系统" });
    await row.getByText("策略 v2").waitFor();
    expect(await row.textContent()).toContain("第3类 较重要");
    const other = page.getByRole("row").filter({ hasText: "统一身份认证平台" });
    await other.getByText("未设置策略").waitFor();
    await other.getByText("1 项提醒").waitFor();
    await screenshotBothLanguages(page, "systems-list", (p, language) =>
      p.getByRole("link", { name: language === "zh" ? "登记业务系统" : "Register a system" }).waitFor(),
    );
    // The browser logs the refusal's answer itself; nothing else went wrong.
    expect(unexpected(errors, [`400 (Bad Request) (${server.url}api/systems/${systemId}/policy)`])).toEqual(
      [],
    );
  });

  it("shows another unit's administrator who opens a system's URL that there is no such system in their unit, and none of its data", async () => {
    const owner = await unitAdmin();
    const created = await call("POST", "/systems", {
      token: owner.token,
      body: system("不动产登记系统", { description: "不动产权属登记数据" }),
    });
    expect(created.status).toBe(201);
    const systemId = created.body.systemId as string;
    const stranger = await unitAdmin();
    const { page, errors } = await pageOf(stranger);

    for (const tab of ["overview", "policy"]) {
      await page.goto(`${server.url}systems/${systemId}/${tab}`);
      await heading(page, "本单位没有这个业务系统").waitFor();
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).not.toContain("不动产登记系统");
      expect(text).not.toContain("不动产权属登记数据");
      expect(await page.getByRole("navigation", { name: "系统页面" }).count()).toBe(0);
    }
    // Their own list is empty and leads to the wizard.
    await page.getByRole("link", { name: "返回业务系统列表" }).click();
    await page.getByTestId("systems-empty").getByRole("link", { name: "开始登记" }).waitFor();
    expect(await page.getByText("不动产登记系统").count()).toBe(0);
    // The browser logs the API's 404 itself; nothing else went wrong.
    expect(unexpected(errors, [`404 (Not Found) (${server.url}api/systems/${systemId})`])).toEqual([]);
  });

  it("keeps an edit that someone else's change overtook (the API refuses it by version), says so, and saves it once the user confirms", async () => {
    const admin = await unitAdmin();
    const created = await call("POST", "/systems", { token: admin.token, body: system("电子证照系统") });
    const systemId = created.body.systemId as string;
    const { page, errors } = await pageOf(admin);
    await page.goto(`${server.url}systems/${systemId}/overview`);
    await page.getByRole("button", { name: "编辑" }).click();
    await page.getByLabel("系统名称").fill("电子证照共享系统");
    // Meanwhile a colleague changes the system.
    const meanwhile = await call("PUT", `/systems/${systemId}`, {
      token: admin.token,
      body: system("电子证照系统", { description: "同事的修改" }),
    });
    expect(meanwhile.status).toBe(200);
    await page.getByRole("button", { name: "保存修改" }).click();
    await page.getByText("在您编辑期间，其他人已修改了此内容。").waitFor();
    expect(await page.getByLabel("系统名称").inputValue()).toBe("电子证照共享系统");
    expect((await call("GET", `/systems/${systemId}`, { token: admin.token })).body.name).toBe(
      "电子证照系统",
    );
    await page.getByRole("button", { name: "仍以我的修改保存" }).click();
    await page.getByText("修改已保存。").waitFor();
    await heading(page, "电子证照共享系统").waitFor();
    expect((await call("GET", `/systems/${systemId}`, { token: admin.token })).body).toMatchObject({
      name: "电子证照共享系统",
      version: 3,
    });
    // The API refused the first save (409 STALE_VERSION: it carried the version the form was opened on).
    expect(unexpected(errors, [`/api/systems/${systemId})`])).toEqual([]);
  });
});
