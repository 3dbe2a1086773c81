// Network topology: the project's external networks, routers, networks and instances as a graph
// (or as nested lists), refreshed every 4 s so new instances and ports appear on their own.
import { useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { useResource } from '../../app/use-resource';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../i18n/i18n';
import { Legend } from './Legend';
import { loadTopology } from './model';
import { TopologyGraph } from './TopologyGraph';
import { TopologyList } from './TopologyList';
import './topology.css';

export function TopologyPage() {
  const t = useT();
  const session = useSession();
  const projectId = session.project.id;
  const topo = useResource((signal) => loadTopology(session.api, projectId, signal), [projectId], { pollMs: 4000 });
  const [asList, setAsList] = useState(false);
  const data = topo.data;
  // External networks alone (shared by the cloud) do not make a topology: the project has nothing of its own yet.
  const empty = data && data.networks.length === 0 && data.routers.length === 0 && data.instances.length === 0;

  return (
    <>
      <PageHeader title={t('Network topology')} actions={
        <>
          <Link to="/project/networks" className="topo-btn">{t('Networks')}</Link>
          <Link to="/project/routers" className="topo-btn">{t('Routers')}</Link>
        </>
      } />
      <ErrorNote error={topo.error} title={t('Could not load the topology')} />
      {!data && topo.loading && <Loading />}
      {data?.serverError && <ErrorNote error={data.serverError} title={t('Could not load the instances')} />}
      {empty && (
        <EmptyState title={t('No networks yet')} hint={t('Create a network, then attach instances and a router to it.')}
          action={<Link to="/project/networks" className="topo-btn primary">{t('Create a network')}</Link>} />
      )}
      {data && !empty && (
        <section className="panel topo-panel" aria-label={t('Topology')}>
          <Legend />
          {asList ? <TopologyList topology={data} /> : <TopologyGraph topology={data} />}
          <label className="topo-toggle">
            <input type="checkbox" checked={asList} onChange={(e) => setAsList(e.target.checked)} /> {t('Show as a list')}
          </label>
        </section>
      )}
    </>
  );
}
