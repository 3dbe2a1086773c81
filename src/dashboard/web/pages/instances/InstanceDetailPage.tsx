// Project › Instances › one instance: header with live status and actions, and tabs for its details.
import { PageHeader } from '../../components/PageHeader';
import { ActionMenu } from '../../components/ActionMenu';
import { StatusBadge } from '../../components/StatusBadge';
import { ErrorNote } from '../../components/ErrorNote';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { Tabs } from '../../components/Tabs';
import { ApiError } from '../../api/http';
import { Link, navigate } from '../../app/router';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { isBusy, statusText, type Server } from './server-model';
import { useServerActions } from './use-server-actions';
import { useAction } from '../../components/use-action';
import { serverAction } from './server-actions';
import { InstanceOverview } from './InstanceOverview';
import { ActionLogTab, ConsoleLogTab, InterfacesTab, VolumesTab } from './InstanceTabs';
import './instances.css';

export function InstanceDetailPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { api } = useSession();
  const id = params.id;
  const r = useResource((signal) => api.compute.get<{ server: Server }>(`/servers/${encodeURIComponent(id)}`, undefined, { signal }).then((x) => x.server),
    [api, id], { pollMs: (s) => (s && isBusy(s) ? 2000 : s ? 10000 : undefined) });
  const actions = useServerActions(() => void r.reload(), { afterDelete: () => navigate('/project/instances') });

  if (r.error instanceof ApiError && r.error.status === 404) {
    return (
      <>
        <PageHeader title={t('Instance not found')} />
        <EmptyState title={t('This instance does not exist (it may have been deleted).')}
          action={<Link to="/project/instances">{t('Back to instances')}</Link>} />
      </>
    );
  }
  const s = r.data;
  if (!s) return r.error ? <><PageHeader title={t('Instance')} /><ErrorNote error={r.error} /></> : <Loading />;

  return (
    <>
      <p><Link to="/project/instances">{t('← Instances')}</Link></p>
      <PageHeader title={s.name || s.id} actions={<ActionMenu actions={actions.menu(s)} label={t('Instance actions')} />}>
        <div className="inst-header-badges">
          <StatusBadge status={statusText(s)} busy={isBusy(s) && s.status !== 'VERIFY_RESIZE'} />
          {s.locked && <span className="badge neutral">{t('Locked')}</span>}
        </div>
      </PageHeader>
      <ErrorNote error={r.error} />
      {s.status === 'VERIFY_RESIZE' && (
        <div className="panel" role="status">
          <p>{t('The resize is done. Confirm it to keep the new flavor, or revert to the old one.')}</p>
          <ResizeButtons server={s} reload={() => void r.reload()} />
        </div>
      )}
      <Tabs label={t('Instance details')} tabs={[
        { id: 'overview', label: t('Overview'), render: () => <InstanceOverview server={s} /> },
        { id: 'interfaces', label: t('Interfaces'), render: () => <InterfacesTab server={s} /> },
        { id: 'volumes', label: t('Volumes'), render: () => <VolumesTab server={s} /> },
        { id: 'log', label: t('Console log'), render: () => <ConsoleLogTab server={s} /> },
        { id: 'console', label: t('Console'), render: () => (
          <p><Link to={`/project/instances/${s.id}/console`}>{t('Open console')}</Link></p>
        ) },
        { id: 'actions', label: t('Action log'), render: () => <ActionLogTab server={s} /> },
      ]} />
      {actions.dialogs}
    </>
  );
}

function ResizeButtons({ server, reload }: { server: Server; reload(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const go = (body: unknown, done: string) => void action.run(() => serverAction(api.compute, server.id, body), t(done, { name: server.name })).then(reload);
  return (
    <>
      <div className="inst-tab-toolbar">
        <button type="button" className="primary" disabled={action.busy} onClick={() => go({ confirmResize: null }, 'Resize of {name} confirmed')}>{t('Confirm resize')}</button>
        <button type="button" disabled={action.busy} onClick={() => go({ revertResize: null }, 'Reverting the resize of {name}')}>{t('Revert resize')}</button>
      </div>
      <ErrorNote error={action.error} />
    </>
  );
}
