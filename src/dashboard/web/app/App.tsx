// Which page to show: the login page without a session, else the page the path names.
import { useEffect } from 'react';
import { useT } from '../i18n/i18n';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { Layout } from './Layout';
import { LoginPage } from './LoginPage';
import { Link, matchPath, navigate, useLocation } from './router';
import { ROUTES } from './routes';
import { useSessionApi } from './session';

export function App() {
  const t = useT();
  const { session } = useSessionApi();
  const { path, query } = useLocation();

  // After logging in, go where the user was headed (kept in ?next=).
  useEffect(() => {
    if (!session && path !== '/login') navigate(`/login${path === '/' ? '' : `?next=${encodeURIComponent(path + window.location.search)}`}`, { replace: true });
    if (session && (path === '/login' || path === '/')) {
      const next = query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/project', { replace: true });
    }
  }, [session, path, query]);

  if (!session) return <LoginPage />;
  for (const r of ROUTES) {
    const params = matchPath(r.path, path);
    if (!params) continue;
    if (r.admin && !session.isAdmin) {
      return (
        <Layout>
          <PageHeader title={t('Not allowed')} />
          <EmptyState title={t('You need the admin role to open this page.')}
            hint={t('Ask an administrator of this cloud, or go back to your project.')}
            action={<Link to="/project">{t('Go to the project overview')}</Link>} />
        </Layout>
      );
    }
    const Page = r.page;
    return <Layout><Page key={`${session.project.id} ${path}`} params={params} /></Layout>;
  }
  return (
    <Layout>
      <PageHeader title={t('Page not found')} />
      <EmptyState title={t('There is no page at {path}.', { path })} action={<Link to="/project">{t('Go to the project overview')}</Link>} />
    </Layout>
  );
}
