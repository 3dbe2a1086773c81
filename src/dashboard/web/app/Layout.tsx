// The logged-in frame: header (project switcher, language, user, log out), the navigation, the page.
import { useState, type ReactNode } from 'react';
import { useI18n, LANGUAGES, type Language } from '../i18n/i18n';
import { Link, useLocation } from './router';
import { ROUTES, type Route } from './routes';
import { useSession, useSessionApi } from './session';
import { useToast } from '../components/toast';

const GROUPS: NonNullable<Route['group']>[] = ['Compute', 'Volumes', 'Network', 'Admin compute', 'Admin identity'];
const GROUP_TITLES: Record<string, string> = {
  Compute: 'Compute', Volumes: 'Volumes', Network: 'Network', 'Admin compute': 'Admin', 'Admin identity': 'Identity',
};

export function Layout({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const session = useSession();
  const { logout, switchProject } = useSessionApi();
  const { path } = useLocation();
  const toast = useToast();
  const [menuOpen, setMenuOpen] = useState(false);
  const [switching, setSwitching] = useState(false);

  const change = async (id: string) => {
    setSwitching(true);
    try {
      await switchProject(id);
    } catch (err) {
      toast(t('Cannot switch project: {why}', { why: (err as Error).message }), 'bad');
    } finally {
      setSwitching(false);
    }
  };
  const current = (r: Route) => path === r.path || (r.path !== '/project' && r.path !== '/admin' && path.startsWith(`${r.path}/`));

  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a href="#main" className="skip-link">{t('Skip to content')}</a>
      <header className="topbar">
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          ☰ <span className="visually-hidden">{t('Menu')}</span>
        </button>
        <Link to="/project" className="brand">☁ Nubis</Link>
        <div className="topbar-controls">
          <label className="visually-hidden" htmlFor="project-switcher">{t('Project')}</label>
          <select id="project-switcher" value={session.project.id} disabled={switching} onChange={(e) => void change(e.target.value)}>
            {session.projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
          <label className="visually-hidden" htmlFor="language-switcher">{t('Language')}</label>
          <select id="language-switcher" value={lang} onChange={(e) => setLang(e.target.value as Language)}>
            {LANGUAGES.map((l) => <option key={l.code} value={l.code}>{l.label}</option>)}
          </select>
          <span className="user-name" title={session.user.domain.name}>{session.user.name}</span>
          <button type="button" onClick={() => void logout()}>{t('Log out')}</button>
        </div>
      </header>
      <nav id="nav" className="sidenav" aria-label={t('Main')}>
        {GROUPS.filter((g) => session.isAdmin || !g.startsWith('Admin')).map((g) => (
          <div key={g} className="nav-group">
            <h2>{t(GROUP_TITLES[g])}</h2>
            <ul>
              {ROUTES.filter((r) => r.group === g && r.nav).map((r) => (
                <li key={r.path}>
                  <Link to={r.path} aria-current={current(r) ? 'page' : undefined} onClick={() => setMenuOpen(false)}>{t(r.nav!)}</Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" className="content" tabIndex={-1}>{children}</main>
    </div>
  );
}
