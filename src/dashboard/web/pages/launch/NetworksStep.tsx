// Step 4: the networks the instance is plugged into, in NIC order (the order they were ticked).
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import type { Network } from './launch-data';
import type { StepProps } from './step-props';

export function NetworksStep({ form, update, data }: StepProps) {
  const t = useT();
  const res = data.networks;
  if (res.error) return <ErrorNote error={res.error} title={t('Networks')} />;
  if (!res.data) return <Loading />;
  const internal = res.data.filter((n) => !n['router:external']);
  const external = res.data.filter((n) => n['router:external']);
  const toggle = (id: string, on: boolean) =>
    update({ networks: on ? [...form.networks.filter((x) => x !== id), id] : form.networks.filter((x) => x !== id) });
  const move = (id: string, by: number) => {
    const list = [...form.networks];
    const i = list.indexOf(id), j = i + by;
    if (i < 0 || j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    update({ networks: list });
  };
  const byId = new Map(res.data.map((n) => [n.id, n]));

  if (res.data.length === 0) {
    return (
      <EmptyState title={t('There is no network to plug the instance into.')} hint={t('Create a network first, then come back to launch.')}
        action={<button type="button" onClick={() => navigate('/project/networks')}>{t('Create a network')}</button>} />
    );
  }
  return (
    <div className="launch-columns">
      <div>
        <NetworkList title={t('Project and shared networks')} networks={internal} chosen={form.networks} toggle={toggle} />
        {internal.length === 0 && (
          <EmptyState title={t('The project has no network of its own.')} hint={t('Create a network first, then come back to launch.')}
            action={<button type="button" onClick={() => navigate('/project/networks')}>{t('Create a network')}</button>} />
        )}
        {external.length > 0 && (
          <>
            <p className="field-hint">{t('External networks carry floating IPs; plug an instance straight into one only if your cloud allows it.')}</p>
            <NetworkList title={t('External networks')} networks={external} chosen={form.networks} toggle={toggle} />
          </>
        )}
      </div>
      <section aria-labelledby="launch-nics-title">
        <h3 id="launch-nics-title">{t('Network interfaces')}</h3>
        {form.networks.length === 0 ? <p className="field-hint">{t('No network chosen: the instance will have no network interface.')}</p> : (
          <ol className="launch-nics">
            {form.networks.map((id, i) => {
              const name = byId.get(id)?.name || id;
              return (
                <li key={id}>
                  <span><strong>{t('NIC {n}', { n: i + 1 })}</strong> {name}</span>
                  <span className="launch-nic-moves">
                    <button type="button" aria-label={t('Move {name} up', { name })} disabled={i === 0} onClick={() => move(id, -1)}>↑</button>
                    <button type="button" aria-label={t('Move {name} down', { name })} disabled={i === form.networks.length - 1} onClick={() => move(id, 1)}>↓</button>
                  </span>
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </div>
  );
}

function NetworkList({ title, networks, chosen, toggle }: { title: string; networks: Network[]; chosen: string[]; toggle(id: string, on: boolean): void }) {
  const t = useT();
  if (networks.length === 0) return null;
  return (
    <fieldset className="launch-checklist">
      <legend>{title}</legend>
      {networks.map((n) => {
        const nic = chosen.indexOf(n.id);
        const id = `launch-net-${n.id}`;
        const noSubnet = Array.isArray(n.subnets) && n.subnets.length === 0;
        return (
          <div className="field checkbox" key={n.id}>
            {/* Nova refuses a network without a subnet: say so instead of letting the launch fail. */}
            <input id={id} type="checkbox" checked={nic >= 0} disabled={noSubnet && nic < 0} onChange={(e) => toggle(n.id, e.target.checked)}
              aria-describedby={noSubnet ? `${id}-why` : undefined} />
            <label htmlFor={id}>
              {n.name || n.id}
              {n.shared && <span className="badge neutral">{t('shared')}</span>}
              {nic >= 0 && <span className="badge ok">{t('NIC {n}', { n: nic + 1 })}</span>}
            </label>
            {noSubnet && <div className="field-hint" id={`${id}-why`}>{t('This network has no subnet yet: add one before launching on it.')}</div>}
          </div>
        );
      })}
    </fieldset>
  );
}
