// "Add rule": a preset (SSH, HTTP, custom TCP…), direction, ether type, ports and the remote side.
// Input is checked at the field before the request; the API's errors (e.g. duplicate rule) show here.
import { useState } from 'react';
import { SelectField, TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormModal } from '../../components/FormModal';
import { looksLikeCidr, type SecurityGroup } from './neutron';
import { PRESETS, parsePorts, type PresetId } from './rule-presets';

export function AddRuleModal({ group, groups, onClose, onDone }: { group: SecurityGroup; groups: SecurityGroup[]; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [presetId, setPresetId] = useState<PresetId>('custom-tcp');
  const [direction, setDirection] = useState('ingress');
  const [ethertype, setEthertype] = useState('IPv4');
  const [ports, setPorts] = useState('');
  const [remoteKind, setRemoteKind] = useState<'cidr' | 'group'>('cidr');
  const [cidr, setCidr] = useState('0.0.0.0/0');
  const [remoteGroup, setRemoteGroup] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Partial<Record<'ports' | 'cidr' | 'group', string>>>({});
  const preset = PRESETS.find((p) => p.id === presetId)!;

  const changeEthertype = (v: string) => {
    setEthertype(v);
    // Keep the "anywhere" default in step with the address family.
    if (cidr === '0.0.0.0/0' && v === 'IPv6') setCidr('::/0');
    if (cidr === '::/0' && v === 'IPv4') setCidr('0.0.0.0/0');
  };

  const submit = async () => {
    const errs: typeof errors = {};
    let min: number | null = preset.port ?? null, max: number | null = preset.port ?? null;
    if (preset.custom) {
      const p = parsePorts(ports, preset.custom, t);
      if (typeof p === 'string') errs.ports = p; else { min = p.min; max = p.max; }
    }
    if (remoteKind === 'cidr') {
      if (!looksLikeCidr(cidr)) errs.cidr = t('This is not a network address in CIDR form (e.g. 10.0.0.0/24).');
      else if ((ethertype === 'IPv6') !== cidr.includes(':')) errs.cidr = t('The address does not match the ether type {e}.', { e: ethertype });
    } else if (!remoteGroup) errs.group = t('Choose a security group.');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const protocol = preset.protocol === 'icmp' && ethertype === 'IPv6' ? 'ipv6-icmp' : preset.protocol;
    const rule = {
      security_group_id: group.id, direction, ethertype, protocol, port_range_min: min, port_range_max: max,
      ...(remoteKind === 'cidr' ? { remote_ip_prefix: cidr.trim() } : { remote_group_id: remoteGroup }),
      ...(description.trim() ? { description: description.trim() } : {}),
    };
    const ok = await action.run(() => api.network.post('/security-group-rules', { security_group_rule: rule }), t('Rule added.'));
    if (ok !== undefined) { onDone(); onClose(); }
  };

  return (
    <FormModal title={t('Add rule')} submitLabel={t('Add rule')} busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <SelectField label={t('Rule')} value={presetId} onChange={(e) => { setPresetId(e.target.value as PresetId); setErrors({}); }}
        options={PRESETS.map((p) => ({ value: p.id, label: t(p.label) }))} autoFocus />
      <SelectField label={t('Direction')} value={direction} onChange={(e) => setDirection(e.target.value)}
        options={[{ value: 'ingress', label: t('Ingress') }, { value: 'egress', label: t('Egress') }]} />
      <SelectField label={t('Ether type')} value={ethertype} onChange={(e) => changeEthertype(e.target.value)}
        options={[{ value: 'IPv4', label: 'IPv4' }, { value: 'IPv6', label: 'IPv6' }]} />
      {preset.custom && (
        <TextField label={t('Port or range')} value={ports} onChange={(e) => setPorts(e.target.value)} error={errors.ports}
          placeholder={preset.custom === 'icmp' ? '8/0' : '8000-8100'}
          hint={preset.custom === 'icmp' ? t('ICMP type, or type/code. Blank = any.') : t('One port (22) or a range (8000-8100).')} />
      )}
      <SelectField label={t('Remote')} value={remoteKind} onChange={(e) => setRemoteKind(e.target.value as 'cidr' | 'group')}
        options={[{ value: 'cidr', label: t('CIDR') }, { value: 'group', label: t('Security group') }]} />
      {remoteKind === 'cidr'
        ? <TextField label={t('CIDR')} value={cidr} onChange={(e) => setCidr(e.target.value)} error={errors.cidr} />
        : <SelectField label={t('Remote security group')} value={remoteGroup} onChange={(e) => setRemoteGroup(e.target.value)} error={errors.group}
            placeholder={t('Choose…')} options={groups.map((x) => ({ value: x.id, label: x.id === group.id ? t('{name} (this group)', { name: x.name }) : x.name || x.id }))} />}
      <TextField label={t('Description')} value={description} onChange={(e) => setDescription(e.target.value)} />
    </FormModal>
  );
}
