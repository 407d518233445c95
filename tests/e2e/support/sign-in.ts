import type { Page } from "playwright-core";
import { totpCode } from "../../support/identity-fixtures.ts";

/** Labels of the sign-in steps, in the console's Chinese (the default language). */
const zh = {
  userName: "用户名",
  password: "密码",
  signIn: "登录",
  newPassword: "新密码",
  confirmPassword: "再次输入新密码",
  change: "修改密码",
  code: "6 位动态口令",
  verify: "验证",
};

/**
 * Signs in through the console's own sign-in page, answering each step it shows: a password change
 * (with `newPassword`), TOTP enrolment (reading the key shown next to the QR code) or verification.
 * Returns the MFA secret, for a later sign-in.
 */
export async function signInThroughConsole(
  page: Page,
  user: { userName: string; password: string; newPassword?: string; mfaSecret?: string },
  /** Called when a step is shown, before it is answered (to take its screenshot). */
  onStep: (step: "change-password" | "enrol-mfa" | "verify-mfa") => Promise<void> = async () => undefined,
): Promise<{ mfaSecret?: string; password: string }> {
  let password = user.password;
  let mfaSecret = user.mfaSecret;
  await page.getByLabel(zh.userName).fill(user.userName);
  await page.getByLabel(zh.password, { exact: true }).fill(password);
  await page.getByRole("button", { name: zh.signIn }).click();
  for (let step = 0; step < 4; step++) {
    const steps = {
      "change-password": page.getByLabel(zh.newPassword, { exact: true }),
      "enrol-mfa": page.getByTestId("mfa-secret"),
      "verify-mfa": page.getByRole("heading", { name: "输入动态口令" }),
      full: page.getByTestId("who"),
      failed: page.locator(".auth-card [role=alert]"),
    };
    const all = Object.values(steps).reduce((any, locator) => any.or(locator));
    await all.first().waitFor();
    let next: keyof typeof steps = "full";
    for (const [name, locator] of Object.entries(steps)) {
      if (await locator.isVisible()) next = name as keyof typeof steps;
    }
    if (next === "failed") throw new Error(`sign-in refused: ${await steps.failed.textContent()}`);
    if (next === "full") return { mfaSecret, password };
    await onStep(next);
    if (next === "change-password") {
      if (!user.newPassword) throw new Error("the console asks for a new password");
      await page.getByLabel(zh.newPassword, { exact: true }).fill(user.newPassword);
      await page.getByLabel(zh.confirmPassword).fill(user.newPassword);
      await page.getByRole("button", { name: zh.change }).click();
      password = user.newPassword;
      await page.getByLabel(zh.newPassword, { exact: true }).waitFor({ state: "detached" });
      continue;
    }
    if (next === "enrol-mfa") mfaSecret = (await page.getByTestId("mfa-secret").textContent()) ?? undefined;
    if (!mfaSecret) throw new Error("the console asks for a one-time code, but no secret is known");
    await page.getByLabel(zh.code).fill(await totpCode(mfaSecret, new Date()));
    await page.getByRole("button", { name: zh.verify }).click();
    await page.getByLabel(zh.code).waitFor({ state: "detached" });
  }
  throw new Error("the sign-in did not finish");
}
