import { useState } from "preact/hooks";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Button, TextField } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";

const texts = defineMessages({
  zh: {
    title: "单位自助注册",
    intro:
      "提交后由平台管理员审核。审核通过后，您即可用下面设置的管理员账号登录，登记业务系统并设置灾备策略。",
    unit: "单位信息",
    name: "单位全称",
    nameHint: "例如：某市人力资源和社会保障局",
    creditCode: "统一社会信用代码",
    creditCodeHint: "18 位，见单位的法人证书",
    contact: "联系人",
    contactName: "联系人姓名",
    email: "电子邮箱",
    phone: "联系电话",
    admin: "单位管理员账号",
    userName: "用户名",
    userNameHint: "3–40 个字母、数字或 . _ -，以字母开头",
    displayName: "姓名",
    password: "登录密码",
    passwordHint: "至少 14 个字符，包含大写字母、小写字母、数字和符号中的至少三类。",
    confirm: "再次输入密码",
    mismatch: "两次输入的密码不一致。",
    submit: "提交注册申请",
    done: "注册申请已提交",
    doneText: (name: string, id: string) =>
      `「${name}」的注册申请已提交（单位编号 ${id}），等待平台管理员审核。审核通过后即可登录。`,
    signIn: "前往登录",
  },
  en: {
    title: "Register your unit",
    intro:
      "A platform administrator reviews the registration. Once approved, you sign in with the administrator account below, register your systems and set their DR policies.",
    unit: "Unit",
    name: "Full name of the unit",
    nameHint: "e.g. Municipal Human Resources and Social Security Bureau",
    creditCode: "Unified social credit code",
    creditCodeHint: "18 characters, on the unit's legal-person certificate",
    contact: "Contact",
    contactName: "Contact name",
    email: "Email",
    phone: "Phone",
    admin: "Unit administrator account",
    userName: "User name",
    userNameHint: "3–40 letters, digits or . _ -, starting with a letter",
    displayName: "Name",
    password: "Password",
    passwordHint: "At least 14 characters with three of: upper case, lower case, digits, symbols.",
    confirm: "Password again",
    mismatch: "The two passwords differ.",
    submit: "Submit registration",
    done: "Registration submitted",
    doneText: (name: string, id: string) =>
      `The registration of “${name}” (unit id ${id}) is waiting for a platform administrator's approval. You can sign in once it is approved.`,
    signIn: "Go to sign-in",
  },
});

const emptyForm = {
  name: "",
  unifiedSocialCreditCode: "",
  contactName: "",
  email: "",
  phone: "",
  userName: "",
  displayName: "",
  password: "",
  confirm: "",
};

export function RegisterPage() {
  const t = texts.use();
  const [form, setForm] = useState(emptyForm);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [mismatch, setMismatch] = useState(false);
  const [registered, setRegistered] = useState<{ name: string; tenantId: string }>();
  const field = (name: keyof typeof emptyForm) => ({
    value: form[name],
    onValue: (value: string) => setForm((previous) => ({ ...previous, [name]: value })),
    name,
  });
  const apiError = isApiError(error) ? error : undefined;

  if (registered) {
    return (
      <div class="auth-card">
        <h1>{t.done}</h1>
        <Notice tone="ok">{t.doneText(registered.name, registered.tenantId)}</Notice>
        <a class="button button-primary" href="/sign-in">
          {t.signIn}
        </a>
      </div>
    );
  }

  return (
    <div class="auth-card auth-card-wide">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (form.password !== form.confirm) {
            setMismatch(true);
            return;
          }
          setMismatch(false);
          setBusy(true);
          setError(undefined);
          api
            .post("/tenants", {
              body: {
                name: form.name.trim(),
                unifiedSocialCreditCode: form.unifiedSocialCreditCode.trim(),
                contact: {
                  name: form.contactName.trim(),
                  email: form.email.trim(),
                  phone: form.phone.trim(),
                },
                admin: { userName: form.userName.trim(), displayName: form.displayName.trim() },
                adminPassword: form.password,
              },
            })
            .then((tenant) => setRegistered({ name: tenant.name, tenantId: tenant.tenantId }), setError)
            .finally(() => setBusy(false));
        }}
      >
        <fieldset>
          <legend>{t.unit}</legend>
          <TextField
            label={t.name}
            hint={t.nameHint}
            error={apiError?.fieldError("name")}
            required
            {...field("name")}
          />
          <TextField
            label={t.creditCode}
            hint={t.creditCodeHint}
            error={apiError?.fieldError("unifiedSocialCreditCode")}
            maxLength={18}
            required
            {...field("unifiedSocialCreditCode")}
          />
        </fieldset>
        <fieldset>
          <legend>{t.contact}</legend>
          <TextField
            label={t.contactName}
            error={apiError?.fieldError("contact.name")}
            required
            {...field("contactName")}
          />
          <TextField
            label={t.email}
            type="email"
            error={apiError?.fieldError("contact.email")}
            required
            {...field("email")}
          />
          <TextField
            label={t.phone}
            type="tel"
            error={apiError?.fieldError("contact.phone")}
            required
            {...field("phone")}
          />
        </fieldset>
        <fieldset>
          <legend>{t.admin}</legend>
          <TextField
            label={t.userName}
            hint={t.userNameHint}
            autoComplete="username"
            error={apiError?.fieldError("admin.userName")}
            required
            {...field("userName")}
          />
          <TextField
            label={t.displayName}
            error={apiError?.fieldError("admin.displayName")}
            required
            {...field("displayName")}
          />
          <TextField
            label={t.password}
            type="password"
            autoComplete="new-password"
            hint={t.passwordHint}
            error={apiError?.fieldError("adminPassword")}
            required
            {...field("password")}
          />
          <TextField
            label={t.confirm}
            type="password"
            autoComplete="new-password"
            error={mismatch ? t.mismatch : undefined}
            required
            {...field("confirm")}
          />
        </fieldset>
        <ErrorNotice error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t.submit}
        </Button>
      </form>
    </div>
  );
}
