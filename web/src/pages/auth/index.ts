import type { PageDef } from "../page.ts";
import { RegisterPage } from "./register-page.tsx";
import { SignInPage } from "./sign-in-page.tsx";

export const pages: PageDef[] = [
  { path: "/sign-in", component: SignInPage, public: true, title: { zh: "登录", en: "Sign in" } },
  { path: "/register", component: RegisterPage, public: true, title: { zh: "单位注册", en: "Register" } },
];
