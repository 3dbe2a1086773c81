// The same topology as nested lists (the accessible alternative to the drawing): external networks
// with their routers, each router with its networks, each network with its instances.
import { Link } from '../../app/router';
import { StatusBadge } from '../../components/StatusBadge';
import { useT } from '../../i18n/i18n';
import type { TopoNetwork, Topology } from './model';

export function TopologyList({ topology }: { topology: Topology }) {
  const t = useT();
  const { externals, routers, networks, instances } = topology;
  const onNet = (id: string) => instances.filter((i) => i.links.some((l) => l.networkId === id));
  const routersOf = (id: string) => routers.filter((r) => r.interfaces.some((f) => f.networkId === id));
  const cidrs = (n: TopoNetwork) => (n.cidrs.length ? ` (${n.cidrs.join(', ')})` : '');

  const instanceItems = (netId: string) => {
    const list = onNet(netId);
    if (list.length === 0) return null;
    return (
      <ul>
        {list.map((i) => (
          <li key={i.id}>
            {t('Instance')} <Link to={`/project/instances/${i.id}`}>{i.name}</Link> <StatusBadge status={i.status} />
            {' '}{i.links.find((l) => l.networkId === netId)?.ips.join(', ')}
            {i.floatingIps.length > 0 && <> · {t('Floating {ip}', { ip: i.floatingIps.join(', ') })}</>}
          </li>
        ))}
      </ul>
    );
  };

  return (
    <div className="topo-list">
      <h3>{t('External networks')}</h3>
      {externals.length === 0 ? <p>{t('None')}</p> : (
        <ul>
          {externals.map((x) => (
            <li key={x.id}>
              {t('External network')} <strong>{x.name}</strong>{cidrs(x)}
              <ul>
                {routers.filter((r) => r.gatewayNetworkId === x.id).map((r) => (
                  <li key={r.id}>{t('Router')} <Link to={`/project/routers/${r.id}`}>{r.name}</Link> ({t('Gateway {ip}', { ip: r.gatewayIps.join(', ') || '—' })})</li>
                ))}
              </ul>
              {instanceItems(x.id)}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('Routers')}</h3>
      {routers.length === 0 ? <p>{t('None')}</p> : (
        <ul>
          {routers.map((r) => (
            <li key={r.id}>
              {t('Router')} <Link to={`/project/routers/${r.id}`}>{r.name}</Link> <StatusBadge status={r.status} />
              {r.interfaces.length > 0 && (
                <ul>
                  {r.interfaces.map((f) => {
                    const n = networks.find((x) => x.id === f.networkId);
                    return <li key={f.networkId}>{t('Interface {ip} on network {name}', { ip: f.ips.join(', '), name: n?.name ?? f.networkId })}</li>;
                  })}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('Networks')}</h3>
      {networks.length === 0 ? <p>{t('None')}</p> : (
        <ul>
          {networks.map((n) => (
            <li key={n.id}>
              {t('Network')} <Link to={`/project/networks/${n.id}`}>{n.name}</Link>{cidrs(n)}
              {routersOf(n.id).length > 0 && <> · {t('Routers: {names}', { names: routersOf(n.id).map((r) => r.name).join(', ') })}</>}
              {instanceItems(n.id)}
            </li>
          ))}
        </ul>
      )}
      {instances.some((i) => i.links.length === 0) && (
        <>
          <h3>{t('Instances not connected')}</h3>
          <ul>
            {instances.filter((i) => i.links.length === 0).map((i) => (
              <li key={i.id}><Link to={`/project/instances/${i.id}`}>{i.name}</Link> <StatusBadge status={i.status} /></li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
