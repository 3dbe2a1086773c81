// Step 1: name, description, availability zone, server group and how many instances, with the quota they use.
import { Link } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { SelectField, TextAreaField, TextField } from '../../components/fields';
import { useT } from '../../i18n/i18n';
import { policyLabel } from '../instances/server-groups';
import { QuotaImpact } from './QuotaImpact';
import type { StepProps } from './step-props';

export function DetailsStep({ form, update, errors, data }: StepProps) {
  const t = useT();
  const flavor = data.flavors.data?.find((f) => f.id === form.flavorId);
  const groups = data.serverGroups.data ?? [];
  const group = groups.find((g) => g.id === form.serverGroup);
  return (
    <div className="launch-columns">
      <div>
        <TextField label={t('Instance name')} required value={form.name} error={errors.name} autoComplete="off"
          onChange={(e) => update({ name: e.target.value })} />
        <TextAreaField label={t('Description')} rows={2} value={form.description} onChange={(e) => update({ description: e.target.value })} />
        <SelectField label={t('Availability zone')} value={form.zone} onChange={(e) => update({ zone: e.target.value })}
          placeholder={t('Any availability zone')} options={(data.zones.data ?? []).map((z) => ({ value: z, label: z }))} />
        <ErrorNote error={data.zones.error} title={t('Availability zones')} />
        <SelectField label={t('Server group')} value={form.serverGroup} onChange={(e) => update({ serverGroup: e.target.value })}
          placeholder={t('No server group')} options={groups.map((g) => ({ value: g.id, label: `${g.name} (${policyLabel(g.policy, t)})` }))}
          hint={<>
            {group ? t('Members now: {n}.', { n: group.members.length }) : t('Keeps instances together on one host, or apart on different hosts.')}
            {' '}<Link to="/project/server-groups">{t('Manage server groups')}</Link>
          </>} />
        <ErrorNote error={data.serverGroups.error} title={t('Server groups')} />
        <TextField label={t('Count')} type="number" min={1} step={1} inputMode="numeric" value={Number.isNaN(form.count) ? '' : form.count}
          error={errors.count} hint={t('How many instances to launch with these settings.')}
          onChange={(e) => update({ count: e.target.value === '' ? NaN : Number(e.target.value) })} />
      </div>
      <QuotaImpact limits={data.limits} flavor={flavor} count={form.count} />
    </div>
  );
}
