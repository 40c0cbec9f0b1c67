import type { Strings, TextOptions, Texts } from './i18n.js';

/**
 * The strings shown in language `lang`: `base`, then the language's `table` (once it has
 * arrived), then the site's overrides, the more specific ones last (`strings`, `texts['*']`,
 * `texts[lang]`). The app's base is the English table (`textsFor`); the facade's is only the
 * launcher's two strings, so the English table stays out of `widget.js`.
 */
export function overlay<B extends Partial<Strings>>(
  base: B,
  lang: string,
  table: Partial<Strings> | undefined,
  o: TextOptions,
): B & Texts {
  return { ...base, ...table, ...o.strings, ...o.texts?.['*'], ...o.texts?.[lang] };
}
