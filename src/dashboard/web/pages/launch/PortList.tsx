// The project's ports that nothing uses, to give the instance as they are (their address, MAC and
// security groups stay the port's own). Part of the Networks step.
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { shortId } from '../../components/format';
import { useT } from '../../i18n/i18n';
import { isFreePort } from './launch-data';
import type { Nic } from './launch-form';
import type { StepProps } from './step-props';

export function PortList({ form, update, data }: StepProps) {
  const t = useT();
  const res = data.ports;
  const netName = (id: string) => data.networks.data?.find((n) => n.id === id)?.name || shortId(id);
  // A port chosen earlier stays listed even if a reload shows it taken: the user can untick it.
  const picked = new Set(form.nics.flatMap((n) => (n.kind === 'port' ? [n.id] : [])));
  const ports = (res.data ?? []).filter((p) => isFreePort(p) || picked.has(p.id));
  const toggle = (id: string, on: boolean) => {
    const rest = form.nics.filter((n) => !(n.kind === 'port' && n.id === id));
    update({ nics: on ? [...rest, { kind: 'port', id } satisfies Nic] : rest });
  };
  return (
    <fieldset className="launch-checklist">
      <legend>{t('Existing ports')}</legend>
      <ErrorNote error={res.error} title={t('Ports')} />
      {res.loading && !res.data ? <Loading /> : ports.length === 0 ? (
        <p className="field-hint">{t('The project has no unattached port. A port you create on a network page shows up here.')}</p>
      ) : ports.map((p) => {
        const id = `launch-port-${p.id}`;
        const on = picked.has(p.id);
        const nic = form.nics.findIndex((n) => n.kind === 'port' && n.id === p.id);
        const noIp = p.fixed_ips.length === 0;
        const ips = p.fixed_ips.map((f) => f.ip_address).join(', ');
        return (
          <div className="field checkbox" key={p.id}>
            <input id={id} type="checkbox" checked={on} disabled={noIp && !on} aria-describedby={`${id}-d`}
              onChange={(e) => toggle(p.id, e.target.checked)} />
            <label htmlFor={id}>
              {p.name || shortId(p.id)}
              {on && <span className="badge ok">{t('NIC {n}', { n: nic + 1 })}</span>}
            </label>
            <div className="field-hint" id={`${id}-d`}>
              {noIp ? t('This port has no IP address, so an instance cannot use it.')
                : t('{ips} on {network}', { ips, network: netName(p.network_id) })}
            </div>
          </div>
        );
      })}
    </fieldset>
  );
}
