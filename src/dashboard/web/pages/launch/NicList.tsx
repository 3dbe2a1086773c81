// The chosen interfaces in NIC order: move them up or down, and give a network's NIC a fixed IP
// (checked against the network's subnets when its field is left, and at Next). Part of the Networks step.
import { useState } from 'react';
import { TextField } from '../../components/fields';
import { shortId } from '../../components/format';
import { useT } from '../../i18n/i18n';
import { nicKey, type Nic } from './launch-form';
import { fixedIpKey, fixedIpProblem } from './nic-check';
import type { StepProps } from './step-props';

export function NicList({ form, update, errors, data }: StepProps) {
  const t = useT();
  // A fixed IP is checked once the user leaves its field (not at every keystroke), or at Next.
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const ipError = (n: Nic & { kind: 'network' }) => errors[fixedIpKey(n.id)]
    ?? (left.has(n.id) && n.fixedIp.trim() ? fixedIpProblem(n.fixedIp.trim(), n.id, data.subnets.data, data.ports.data, t) : undefined);
  const netName = (id: string) => data.networks.data?.find((n) => n.id === id)?.name || shortId(id);
  const port = (id: string) => data.ports.data?.find((p) => p.id === id);
  const cidrs = (networkId: string) => (data.subnets.data ?? []).filter((s) => s.network_id === networkId).map((s) => s.cidr);
  const move = (i: number, by: number) => {
    const list = [...form.nics];
    const j = i + by;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    update({ nics: list });
  };
  const setIp = (i: number, fixedIp: string) =>
    update({ nics: form.nics.map((n, k) => (k === i && n.kind === 'network' ? { ...n, fixedIp } : n)) });
  const nameOf = (n: Nic) => (n.kind === 'network' ? netName(n.id) : port(n.id)?.name || shortId(n.id));

  return (
    <section aria-labelledby="launch-nics-title">
      <h3 id="launch-nics-title">{t('Network interfaces')}</h3>
      {form.nics.length === 0 ? <p className="field-hint">{t('No network chosen: the instance will have no network interface.')}</p> : (
        <ol className="launch-nics">
          {form.nics.map((n, i) => {
            const name = nameOf(n);
            const p = n.kind === 'port' ? port(n.id) : undefined;
            const known = n.kind === 'network' ? cidrs(n.id) : [];
            return (
              <li key={nicKey(n)}>
                <div className="launch-nic-head">
                  <span><strong>{t('NIC {n}', { n: i + 1 })}</strong> {name}</span>
                  <span className="launch-nic-moves">
                    <button type="button" aria-label={t('Move {name} up', { name })} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
                    <button type="button" aria-label={t('Move {name} down', { name })} disabled={i === form.nics.length - 1} onClick={() => move(i, 1)}>↓</button>
                  </span>
                </div>
                {n.kind === 'network' ? (
                  <TextField label={t('Fixed IP on {name}', { name })} value={n.fixedIp} inputMode="decimal" autoComplete="off" spellCheck={false}
                    error={ipError(n)} onChange={(e) => setIp(i, e.target.value)}
                    onBlur={() => setLeft((s) => new Set(s).add(n.id))}
                    hint={known.length ? t('Optional; inside {cidrs}. Empty: the network picks one.', { cidrs: known.join(', ') }) : t('Optional. Empty: the network picks one.')} />
                ) : (
                  <p className="field-hint">{t('Existing port with {ips}', { ips: p?.fixed_ips.map((f) => f.ip_address).join(', ') || '—' })}</p>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
