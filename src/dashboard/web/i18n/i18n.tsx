// Strings ready for translation: the English text is the key (t('Launch instance')), each language a
// map from it. Placeholders are {name}. A missing translation falls back to English.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { zh } from './zh/index';

export type Language = 'en' | 'zh';
export const LANGUAGES: { code: Language; label: string }[] = [{ code: 'en', label: 'English' }, { code: 'zh', label: '中文' }];
const DICTIONARIES: Record<Language, Record<string, string>> = { en: {}, zh };

export type Translate = (text: string, vars?: Record<string, string | number>) => string;

export function translate(lang: Language, text: string, vars?: Record<string, string | number>): string {
  const s = DICTIONARIES[lang][text] ?? text;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
}

interface I18n { lang: Language; setLang(l: Language): void; t: Translate }
const I18nContext = createContext<I18n>({ lang: 'en', setLang: () => undefined, t: (s, v) => translate('en', s, v) });

function initialLanguage(): Language {
  // The language is a preference, not a secret: it may live in localStorage (the session never does).
  const saved = window.localStorage.getItem('nubis.lang');
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initialLanguage);
  const setLang = useCallback((l: Language) => {
    window.localStorage.setItem('nubis.lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (s, v) => translate(lang, s, v) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n { return useContext(I18nContext); }
export function useT(): Translate { return useContext(I18nContext).t; }
