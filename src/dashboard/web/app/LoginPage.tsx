// Log in with domain, user and password. A wrong password gets a plain sentence, not a code.
import { useState } from 'react';
import { ApiError } from '../api/http';
import { useI18n, LANGUAGES, type Language } from '../i18n/i18n';
import { useSessionApi } from './session';

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { login, endedBecause } = useSessionApi();
  const [domain, setDomain] = useState('Default');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async () => {
    if (!user || !password) { setError(t('Enter your user name and password.')); return; }
    setBusy(true);
    setError(undefined);
    try {
      await login(domain.trim() || 'Default', user.trim(), password);
    } catch (err) {
      setBusy(false);
      setPassword('');
      if (err instanceof ApiError && err.status === 401) setError(t('The user name or password is not correct.'));
      else setError(t(err instanceof Error ? err.message : String(err)));
    }
  };

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={(e) => { e.preventDefault(); void submit(); }} noValidate aria-labelledby="login-title">
        <div className="brand-large" aria-hidden="true">☁ Nubis</div>
        <h1 id="login-title">{t('Log in')}</h1>
        {endedBecause && !error && <p className="notice" role="status">{t(endedBecause)}</p>}
        <div className="field">
          <label htmlFor="login-domain">{t('Domain')}</label>
          <input id="login-domain" name="domain" autoComplete="organization" value={domain} onChange={(e) => setDomain(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="login-user">{t('User name')}</label>
          <input id="login-user" name="username" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} autoFocus />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('Password')}</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" value={password}
            onChange={(e) => setPassword(e.target.value)} aria-describedby={error ? 'login-error' : undefined} />
        </div>
        {error && <div id="login-error" className="error-note" role="alert">{error}</div>}
        <button type="submit" className="primary" disabled={busy}>{busy ? t('Logging in…') : t('Log in')}</button>
        <div className="field inline">
          <label htmlFor="login-lang">{t('Language')}</label>
          <select id="login-lang" value={lang} onChange={(e) => setLang(e.target.value as Language)}>
            {LANGUAGES.map((l) => <option key={l.code} value={l.code}>{l.label}</option>)}
          </select>
        </div>
      </form>
    </main>
  );
}
