// Admin: every flavor, public and private; create, edit extra specs, delete.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ActionMenu } from '../../../components/ActionMenu';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { formatMiB } from '../../../components/format';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog } from '../../../components/Modal';
import { PageHeader } from '../../../components/PageHeader';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import type { Flavor } from './compute-data';
import { ExtraSpecsModal } from './ExtraSpecsModal';
import { FlavorFormModal } from './FlavorFormModal';
import './admin-compute.css';

type Dialog = { kind: 'create' } | { kind: 'specs' | 'delete'; flavor: Flavor };

export function FlavorsPage() {
  const t = useT();
  const { api } = useSession();
  const toast = useToast();
  const [dialog, setDialog] = useState<Dialog>();
  const close = () => setDialog(undefined);
  // is_public=None: public and private flavors alike (admins only).
  const res = useResource((signal) => api.compute.get<{ flavors: Flavor[] }>('/flavors/detail', { is_public: 'None' }, { signal }).then((r) => r.flavors), []);

  const columns: Column<Flavor>[] = [
    { key: 'name', header: t('Name'), render: (f) => <strong>{f.name}</strong>, sort: (f) => f.name },
    { key: 'vcpus', header: t('vCPUs'), render: (f) => f.vcpus, sort: (f) => f.vcpus },
    { key: 'ram', header: t('RAM'), render: (f) => formatMiB(f.ram), sort: (f) => f.ram },
    { key: 'disk', header: t('Root disk'), render: (f) => `${f.disk} GiB`, sort: (f) => f.disk },
    { key: 'eph', header: t('Ephemeral'), render: (f) => `${f['OS-FLV-EXT-DATA:ephemeral'] ?? 0} GiB`, sort: (f) => f['OS-FLV-EXT-DATA:ephemeral'] ?? 0, secondary: true },
    { key: 'swap', header: t('Swap'), render: (f) => (f.swap ? formatMiB(f.swap) : '—'), sort: (f) => Number(f.swap || 0), secondary: true },
    { key: 'public', header: t('Public'), render: (f) => (f['os-flavor-access:is_public'] ? t('Yes') : t('No')), sort: (f) => Number(f['os-flavor-access:is_public']) },
    { key: 'specs', header: t('Extra specs'), render: (f) => Object.keys(f.extra_specs ?? {}).length, sort: (f) => Object.keys(f.extra_specs ?? {}).length, secondary: true },
    { key: 'id', header: t('ID'), render: (f) => <code>{f.id}</code>, sort: (f) => f.id, secondary: true },
  ];
  const create = <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create flavor')}</button>;

  return (
    <>
      <PageHeader title={t('Flavors')} actions={create} />
      <ErrorNote error={res.error} />
      {res.loading ? <Loading /> : (
        <DataTable label={t('Flavors')} rows={res.data ?? []} columns={columns} rowKey={(f) => f.id}
          filterText={(f) => `${f.name} ${f.id}`}
          actions={(f) => <ActionMenu actions={[
            { label: t('Edit extra specs'), onSelect: () => setDialog({ kind: 'specs', flavor: f }) },
            { label: t('Delete flavor'), danger: true, onSelect: () => setDialog({ kind: 'delete', flavor: f }) },
          ]} />}
          empty={<EmptyState title={t('No flavors yet.')} hint={t('Create a flavor so that users can launch instances.')} action={create} />} />
      )}
      {dialog?.kind === 'create' && <FlavorFormModal onClose={close} onDone={() => void res.reload()} />}
      {dialog?.kind === 'specs' && <ExtraSpecsModal flavor={dialog.flavor} onClose={close} onDone={() => void res.reload()} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete flavor')} confirmLabel={t('Delete flavor')} onClose={close}
          message={t('Delete flavor {name}? Existing instances keep their size; this cannot be undone.', { name: dialog.flavor.name })}
          onConfirm={async () => {
            await api.compute.del(`/flavors/${encodeURIComponent(dialog.flavor.id)}`);
            toast(t('Flavor {name} deleted', { name: dialog.flavor.name }));
            await res.reload();
          }} />
      )}
    </>
  );
}
