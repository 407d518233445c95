import type { IdentitySettings } from "./settings.ts";

export interface PasswordProblem {
  code: "TOO_SHORT" | "TOO_FEW_CHARACTER_CLASSES" | "CONTAINS_USERNAME" | "REPEATED_CHARACTERS" | "TOO_LONG";
  message: { zh: string; en: string };
}

const characterClasses = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];

/**
 * Complexity check when a password is set (R-IA-07): at least `passwordMinLength` characters (14 per
 * 001 §7.5.3.2), three of the four character classes, not containing the user name, no run of four
 * identical characters. Returns every problem so the console can list them at once.
 */
export function passwordProblems(
  password: string,
  userName: string,
  settings: IdentitySettings,
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < settings.passwordMinLength) {
    problems.push({
      code: "TOO_SHORT",
      message: {
        zh: `密码至少需要${settings.passwordMinLength}个字符。`,
        en: `A password needs at least ${settings.passwordMinLength} characters.`,
      },
    });
  }
  if (length > 256) {
    problems.push({
      code: "TOO_LONG",
      message: { zh: "密码不能超过256个字符。", en: "A password may have at most 256 characters." },
    });
  }
  if (characterClasses.filter((c) => c.test(password)).length < 3) {
    problems.push({
      code: "TOO_FEW_CHARACTER_CLASSES",
      message: {
        zh: "密码须包含小写字母、大写字母、数字、符号中的至少三类。",
        en: "A password needs at least three of: lower-case letters, upper-case letters, digits, symbols.",
      },
    });
  }
  if (userName.length >= 3 && password.toLowerCase().includes(userName.toLowerCase())) {
    problems.push({
      code: "CONTAINS_USERNAME",
      message: { zh: "密码不能包含用户名。", en: "A password must not contain the user name." },
    });
  }
  if (/(.)\1{3}/u.test(password)) {
    problems.push({
      code: "REPEATED_CHARACTERS",
      message: {
        zh: "密码不能包含连续四个相同字符。",
        en: "A password must not repeat one character four times in a row.",
      },
    });
  }
  return problems;
}

/** A password older than the maximum age must be changed before anything else (R-IA-07). */
export function passwordExpired(changedAt: Date, now: Date, settings: IdentitySettings): boolean {
  return now.getTime() - changedAt.getTime() >= settings.passwordMaxAgeDays * 86_400_000;
}
