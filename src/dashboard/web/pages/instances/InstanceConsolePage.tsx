// Project › Instances › console: Nova's noVNC page (served by Nubis, same origin) in a frame.
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { Link } from '../../app/router';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import type { Server } from './server-model';
import './instances.css';

export function InstanceConsolePage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { api } = useSession();
  const id = params.id;
  const server = useResource((signal) => api.compute.get<{ server: Server }>(`/servers/${encodeURIComponent(id)}`, undefined, { signal }).then((x) => x.server), [api, id]);
  // A console URL carries a short-lived token: ask for one on each visit.
  const console_ = useResource((signal) => api.compute.post<{ remote_console: { url: string } }>(`/servers/${encodeURIComponent(id)}/remote-consoles`,
    { remote_console: { protocol: 'vnc', type: 'novnc' } }, { signal }).then((x) => x.remote_console.url), [api, id]);
  const name = server.data?.name ?? id;
  return (
    <>
      <p><Link to={`/project/instances/${id}`}>{t('← Back to {name}', { name })}</Link></p>
      <PageHeader title={t('Console of {name}', { name })} actions={
        <button type="button" onClick={() => void console_.reload()}>{t('Reconnect')}</button>
      } />
      <ErrorNote error={console_.error} />
      {console_.loading && !console_.data && <Loading />}
      {console_.data && (
        <>
          <div className="inst-console-links">
            <a href={console_.data} target="_blank" rel="noopener noreferrer">{t('Open in a new tab')}</a>
            <span className="field-hint">{t('Click inside the console to type into it.')}</span>
          </div>
          <iframe className="inst-console-frame" title={t('Console of {name}', { name })} src={console_.data} />
        </>
      )}
    </>
  );
}
