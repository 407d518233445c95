import { type Locale, localeStore, useLocale } from "./locale.ts";

/** A text, a text made from values, or a table of texts (one per value of an enumeration). */
// biome-ignore lint/suspicious/noExplicitAny: message functions take whatever their text needs
type Text = string | ((...args: any[]) => string) | { readonly [key: string]: string };
/** The same keys, each of the same kind, in both languages. */
export type Translations<T extends Record<string, Text>> = { zh: T; en: { [K in keyof T]: T[K] } };

/**
 * A component's texts in Chinese and English. The English table must have every key of the Chinese
 * one (the type says so), so no string exists in only one language.
 */
export function defineMessages<T extends Record<string, Text>>(translations: Translations<T>) {
  return {
    use: (): T => translations[useLocale()] as T,
    in: (locale: Locale = localeStore.get()): T => translations[locale] as T,
  };
}

/** A text given in both languages, as the API and shared/ tables give them. */
export interface Bilingual {
  zh: string;
  en: string;
}

export const pick = (text: Bilingual, locale: Locale) => text[locale];
