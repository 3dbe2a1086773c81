// Step 4: the instance's network interfaces, in NIC order (the order they were ticked): new ports on
// networks (each with an optional fixed IP) and existing ports of the project that nothing uses.
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import type { Network } from './launch-data';
import type { Nic } from './launch-form';
import { NicList } from './NicList';
import { PortList } from './PortList';
import type { StepProps } from './step-props';

export function NetworksStep(props: StepProps) {
  const { form, update, errors, data } = props;
  const t = useT();
  const res = data.networks;
  if (res.error) return <ErrorNote error={res.error} title={t('Networks')} />;
  if (!res.data) return <Loading />;
  const internal = res.data.filter((n) => !n['router:external']);
  const external = res.data.filter((n) => n['router:external']);
  const chosen = form.nics.flatMap((n) => (n.kind === 'network' ? [n.id] : []));
  const toggle = (id: string, on: boolean) => {
    const rest = form.nics.filter((n) => !(n.kind === 'network' && n.id === id));
    update({ nics: on ? [...rest, { kind: 'network', id, fixedIp: '' } satisfies Nic] : rest });
  };

  if (res.data.length === 0) {
    return (
      <EmptyState title={t('There is no network to plug the instance into.')} hint={t('Create a network first, then come back to launch.')}
        action={<button type="button" onClick={() => navigate('/project/networks')}>{t('Create a network')}</button>} />
    );
  }
  return (
    <div className="launch-columns">
      <div>
        {errors.nics && <p className="field-error" role="alert">{errors.nics}</p>}
        <NetworkList title={t('Project and shared networks')} networks={internal} nics={form.nics} chosen={chosen} toggle={toggle} />
        {internal.length === 0 && (
          <EmptyState title={t('The project has no network of its own.')} hint={t('Create a network first, then come back to launch.')}
            action={<button type="button" onClick={() => navigate('/project/networks')}>{t('Create a network')}</button>} />
        )}
        {external.length > 0 && (
          <>
            <p className="field-hint">{t('External networks carry floating IPs; plug an instance straight into one only if your cloud allows it.')}</p>
            <NetworkList title={t('External networks')} networks={external} nics={form.nics} chosen={chosen} toggle={toggle} />
          </>
        )}
        <PortList {...props} />
      </div>
      <NicList {...props} />
    </div>
  );
}

function NetworkList({ title, networks, nics, chosen, toggle }: {
  title: string; networks: Network[]; nics: Nic[]; chosen: string[]; toggle(id: string, on: boolean): void;
}) {
  const t = useT();
  if (networks.length === 0) return null;
  return (
    <fieldset className="launch-checklist">
      <legend>{title}</legend>
      {networks.map((n) => {
        const on = chosen.includes(n.id);
        const nic = nics.findIndex((x) => x.kind === 'network' && x.id === n.id);
        const id = `launch-net-${n.id}`;
        const noSubnet = Array.isArray(n.subnets) && n.subnets.length === 0;
        return (
          <div className="field checkbox" key={n.id}>
            {/* Nova refuses a network without a subnet: say so instead of letting the launch fail. */}
            <input id={id} type="checkbox" checked={on} disabled={noSubnet && !on} onChange={(e) => toggle(n.id, e.target.checked)}
              aria-describedby={noSubnet ? `${id}-why` : undefined} />
            <label htmlFor={id}>
              {n.name || n.id}
              {n.shared && <span className="badge neutral">{t('shared')}</span>}
              {on && <span className="badge ok">{t('NIC {n}', { n: nic + 1 })}</span>}
            </label>
            {noSubnet && <div className="field-hint" id={`${id}-why`}>{t('This network has no subnet yet: add one before launching on it.')}</div>}
          </div>
        );
      })}
    </fieldset>
  );
}
