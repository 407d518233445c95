import { createStore } from "../store.ts";

export type Locale = "zh" | "en";
export const locales: readonly Locale[] = ["zh", "en"];
const storageKey = "govdr.locale";

/** BCP 47 tags for `lang` attributes and Intl formatting. */
export const languageTags: Record<Locale, string> = { zh: "zh-CN", en: "en-GB" };

function remembered(): Locale {
  try {
    return localStorage.getItem(storageKey) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

/** The console's language: Chinese unless the user chose English, remembered in this browser. */
export const localeStore = createStore<Locale>(remembered());

export function setLocale(locale: Locale): void {
  try {
    localStorage.setItem(storageKey, locale);
  } catch {
    // Private windows may refuse storage: the choice then lasts until the tab closes.
  }
  if (typeof document !== "undefined") document.documentElement.lang = languageTags[locale];
  localeStore.set(locale);
}

if (typeof document !== "undefined") document.documentElement.lang = languageTags[localeStore.get()];

export const useLocale = () => localeStore.use();
