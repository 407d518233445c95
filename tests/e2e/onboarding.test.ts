import { randomInt } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleServer } from "../../cli/console/server.ts";
import { call, signIn } from "../integration/support/api.ts";
import { uniqueName } from "../integration/support/emulator.ts";
import { addUser, deployedStores, seedTenantUser } from "../integration/support/seed.ts";
import { makeUser, totpCode } from "../support/identity-fixtures.ts";
import {
  launchBrowser,
  newContext,
  screenshotBothLanguages,
  signedInPage,
  startConsole,
} from "./support/console.ts";
import { signInThroughConsole } from "./support/sign-in.ts";

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

const adminPassword = "Onboard-Unit-2026!";

describe("a new unit onboards through the console (R-IA-08, R-IA-02)", () => {
  it("registers, is approved by a platform administrator, and its administrator signs in with MFA", async () => {
    const unitName = `某市数据资源局${randomInt(1e6)}`;
    const adminUserName = uniqueName("unit").replace("-", ".");
    const creditCode = `11500000MB${String(randomInt(1e7)).padStart(7, "0")}X`;

    // Registration, as a unit's IT staff would fill it in.
    const visitor = await (await newContext(browser)).newPage();
    await visitor.goto(server.url);
    await visitor.getByRole("link", { name: "还没有账号？单位自助注册" }).click();
    await visitor.getByLabel("单位全称").fill(unitName);
    await visitor.getByLabel("统一社会信用代码").fill("not-a-code");
    await visitor.getByLabel("联系人姓名").fill("李工");
    await visitor.getByLabel("电子邮箱").fill("it@data.example.gov.cn");
    await visitor.getByLabel("联系电话").fill("023-66668888");
    await visitor.getByLabel("用户名").fill(adminUserName);
    await visitor.getByLabel("姓名", { exact: true }).fill("李工");
    await visitor.getByLabel("登录密码").fill(adminPassword);
    await visitor.getByLabel("再次输入密码").fill(adminPassword);
    await visitor.getByRole("button", { name: "提交注册申请" }).click();

    // A wrong credit code is named next to its field, and nothing typed is lost.
    const codeField = visitor.getByLabel("统一社会信用代码");
    await expect.poll(() => codeField.getAttribute("aria-invalid")).toBe("true");
    expect(await visitor.getByLabel("单位全称").inputValue()).toBe(unitName);
    expect(await visitor.getByLabel("登录密码").inputValue()).toBe(adminPassword);
    await screenshotBothLanguages(visitor, "register-rejected-field");
    await codeField.fill(creditCode);
    await visitor.getByRole("button", { name: "提交注册申请" }).click();
    await visitor.getByRole("heading", { name: "注册申请已提交" }).waitFor();
    // A platform administrator with a one-time password: password change and MFA enrolment first.
    const staff = await makeUser({
      tenantId: "platform",
      userName: uniqueName("staff").replace("-", "."),
      password: "One-Time-Pass-2026!",
      roles: ["platform-admin"],
      mustChangePassword: true,
      at: new Date(),
    });
    await deployedStores().users.create(staff);
    const staffPage = await (await newContext(browser)).newPage();
    await staffPage.goto(server.url);
    await screenshotBothLanguages(staffPage, "sign-in", (p, language) =>
      p
        .getByRole("heading", { name: language === "zh" ? "登录政务云灾备服务" : "Sign in to govdr" })
        .waitFor(),
    );
    await signInThroughConsole(
      staffPage,
      { userName: staff.userName, password: "One-Time-Pass-2026!", newPassword: "Platform-Chosen-2026!" },
      (step) =>
        step === "verify-mfa"
          ? Promise.resolve()
          : screenshotBothLanguages(staffPage, `sign-in-${step}`, (p) => p.locator("form h2").waitFor()),
    );
    await staffPage.getByTestId("who").getByText(staff.userName).waitFor();

    // Units awaiting approval are under 单位管理; it approves the new one.
    await staffPage
      .getByRole("navigation", { name: "主导航" })
      .getByRole("link", { name: "单位管理" })
      .click();
    await staffPage.getByRole("heading", { name: "单位管理", exact: true }).waitFor();
    await staffPage.getByLabel("在已加载的单位中查找").fill(unitName);
    const row = staffPage.getByRole("row").filter({ hasText: unitName });
    while (
      !(await row.isVisible()) &&
      (await staffPage.getByRole("button", { name: "加载更多" }).isVisible())
    ) {
      await staffPage.getByRole("button", { name: "加载更多" }).click();
    }
    await row.getByRole("button", { name: "批准", exact: true }).click();
    await staffPage.getByRole("dialog").getByRole("button", { name: "批准", exact: true }).click();
    await staffPage
      .getByRole("status")
      .filter({ hasText: `「${unitName}」现在的状态：服务中。` })
      .waitFor();

    // The unit's administrator signs in: an administrator must enrol TOTP (QR code) first.
    const admin = await (await newContext(browser)).newPage();
    await admin.goto(`${server.url}sign-in`);
    await signInThroughConsole(admin, { userName: adminUserName, password: adminPassword });
    await admin.getByTestId("who").getByText(adminUserName).waitFor();
    await expect.poll(() => new URL(admin.url()).pathname).not.toBe("/sign-in");

    // The first system and its policy, in the wizard: a policy that cannot keep the class's RPO is
    // refused with the rule next to its field; the fixed one is accepted.
    await admin.getByRole("link", { name: "接入向导" }).click();
    await admin.getByLabel("系统名称").fill("不动产登记系统");
    await admin.getByRole("button", { name: "下一步" }).click();
    await admin.getByLabel("第3类 较重要", { exact: true }).check();
    await admin.getByLabel("恢复优先级", { exact: true }).selectOption("2");
    await admin.getByRole("button", { name: "创建系统，下一步设置策略" }).click();
    await admin.getByLabel("路径", { exact: true }).fill("/srv/estate");
    await admin.getByLabel("间隔（分钟）").fill("240");
    await admin.getByRole("button", { name: "保存灾备策略" }).click();
    await expect.poll(() => admin.getByTestId("issues-backup.schedule").textContent()).toContain("R-CL-02");
    expect(await admin.getByLabel("路径", { exact: true }).inputValue()).toBe("/srv/estate");
    await admin.getByLabel("间隔（分钟）").fill("60");
    await admin.getByRole("button", { name: "保存灾备策略" }).click();
    await admin.getByText("业务系统已登记，灾备策略 v1 已生效。").waitFor();
    const systemId = new URL(admin.url()).pathname.split("/")[2] as string;
    expect(systemId).toMatch(/^s-/);

    // The unit's auditor finds that policy change in the audit trail and verifies the chain.
    const tenantId = JSON.parse(
      (await admin.evaluate(() => sessionStorage.getItem("govdr.session"))) as string,
    ).tenantId as string;
    const auditorUser = await addUser(tenantId, "tenant-auditor", "Unit-Auditor-2026!");
    const auditorSession = await signIn(auditorUser.userName, "Unit-Auditor-2026!");
    const auditor = await signedInPage(browser, {
      token: auditorSession.token,
      userName: auditorUser.userName,
    });
    await auditor.goto(`${server.url}audit`);
    await auditor.getByLabel("事件名称").fill("PutPolicy");
    await auditor.getByLabel("资源编号").fill(systemId);
    const policyEvents = auditor
      .getByRole("table", { name: "审计记录（按时间从早到晚）" })
      .getByRole("row")
      .filter({ hasText: "PutPolicy" });
    await expect
      .poll(
        async () => {
          await auditor.getByRole("button", { name: "检索", exact: true }).click();
          await auditor.getByText(/^已显示 \d+ 条/).waitFor();
          return policyEvents.filter({ hasText: /已入链 #\d+/ }).count();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe(2);
    await auditor.getByRole("button", { name: "开始校验" }).click();
    await auditor.getByTestId("verify-result").getByText("哈希链完整").waitFor();
  });

  it("asks an ended session to sign in again over the page, keeps what was typed, and then does what was asked", async () => {
    const password = "Session-Ends-2026!";
    const { user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const session = await signIn(user.userName, password);
    const page = await signedInPage(browser, { token: session.token, userName: user.userName });
    await page.goto(`${server.url}onboarding`);
    await page.getByLabel("系统名称").fill("公积金管理系统");
    await page.getByRole("button", { name: "下一步" }).click();
    await page.getByLabel("第4类 一般", { exact: true }).check();

    // The session ends elsewhere (signed out in another tab, or timed out).
    expect((await call("POST", "/auth/logout", { token: session.token })).status).toBe(200);
    await page.getByRole("button", { name: "创建系统，下一步设置策略" }).click();

    const dialog = page.getByRole("dialog", { name: "会话已过期" });
    await dialog.waitFor();
    expect(await dialog.getByLabel("用户名").inputValue()).toBe(user.userName);
    await dialog.getByLabel("密码", { exact: true }).fill(password);
    await dialog.getByRole("button", { name: "登录", exact: true }).click();
    // The code of the next 30-second step: the one the API sign-in used cannot be used twice.
    await dialog
      .getByLabel("6 位动态口令")
      .fill(await totpCode(session.mfaSecret as string, new Date(Date.now() + 30_000)));
    await dialog.getByRole("button", { name: "验证" }).click();
    await dialog.waitFor({ state: "hidden" });

    // The creation went on with what was typed before the session ended, exactly once.
    await page.getByRole("heading", { name: "第 3 步：策略", exact: true }).waitFor();
    const fresh = JSON.parse((await page.evaluate(() => sessionStorage.getItem("govdr.session"))) as string);
    const listed = await call("GET", "/systems", { token: fresh.token });
    expect((listed.body.items as { name: string }[]).map((s) => s.name)).toEqual(["公积金管理系统"]);
  });
});
