// Step 3: the flavor (vCPUs, RAM, disks); flavors too small for the image are disabled with the reason.
import { DataTable, type Column } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { formatMiB } from '../../components/format';
import { useT } from '../../i18n/i18n';
import { QuotaImpact } from './QuotaImpact';
import { flavorProblem } from './launch-form';
import type { Flavor } from './launch-data';
import type { StepProps } from './step-props';

export function FlavorStep({ form, update, errors, data }: StepProps) {
  const t = useT();
  const image = form.source === 'image' || form.source === 'snapshot' ? data.images.data?.find((i) => i.id === form.sourceId) : undefined;
  const flavors = [...(data.flavors.data ?? [])].sort((a, b) => a.vcpus - b.vcpus || a.ram - b.ram || a.disk - b.disk);
  const chosen = flavors.find((f) => f.id === form.flavorId);
  const columns: Column<Flavor>[] = [
    {
      key: 'pick', header: t('Select'),
      render: (f) => {
        const problem = flavorProblem(f, image, form, t);
        return (
          <input type="radio" name="launch-flavor" aria-label={f.name} checked={form.flavorId === f.id} disabled={!!problem}
            aria-describedby={problem ? `flavor-why-${f.id}` : undefined} onChange={() => update({ flavorId: f.id })} />
        );
      },
    },
    {
      key: 'name', header: t('Name'), sort: (f) => f.name.toLowerCase(),
      render: (f) => {
        const problem = flavorProblem(f, image, form, t);
        return <>{f.name}{problem && <div className="field-hint" id={`flavor-why-${f.id}`}>{problem}</div>}</>;
      },
    },
    { key: 'vcpus', header: t('vCPUs'), render: (f) => f.vcpus, sort: (f) => f.vcpus },
    { key: 'ram', header: t('RAM'), render: (f) => formatMiB(f.ram), sort: (f) => f.ram },
    { key: 'disk', header: t('Root disk'), render: (f) => `${f.disk} GiB`, sort: (f) => f.disk },
    { key: 'eph', header: t('Ephemeral disk'), render: (f) => `${f['OS-FLV-EXT-DATA:ephemeral'] ?? 0} GiB`, secondary: true },
    { key: 'public', header: t('Public'), render: (f) => (f['os-flavor-access:is_public'] === false ? t('No') : t('Yes')), secondary: true },
  ];
  return (
    <div className="launch-stack">
      <div>
        {errors.flavorId && <p className="field-error" role="alert">{errors.flavorId}</p>}
        <ErrorNote error={data.flavors.error} title={t('Flavors')} />
        {data.flavors.loading && !data.flavors.data ? <Loading /> : (
          <DataTable label={t('Flavors')} rows={flavors} columns={columns} rowKey={(f) => f.id} filterText={(f) => f.name} pageSize={15}
            empty={<EmptyState title={t('No flavor is available to this project.')} hint={t('Ask an administrator to create one.')} />} />
        )}
      </div>
      <QuotaImpact limits={data.limits} flavor={chosen} count={form.count} />
    </div>
  );
}
