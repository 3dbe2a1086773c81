// Admin → Volume types (Cinder types): every type, public and private, with its extra specs and the
// default marked; create, edit, edit extra specs, delete (the API says why when a type is in use).
import { useState } from 'react';
import { useSession } from '../../app/session';
import { useResource } from '../../app/use-resource';
import { ActionMenu } from '../../components/ActionMenu';
import { DataTable, type Column } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { ConfirmDialog } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { TypeSpecsModal } from './TypeSpecsModal';
import { VolumeTypeFormModal } from './VolumeTypeFormModal';
import type { VolumeType } from './volumes-api';
import './store.css';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'specs' | 'delete'; type: VolumeType };

export function VolumeTypesPage() {
  const t = useT();
  const { api, token } = useSession();
  const toast = useToast();
  const [dialog, setDialog] = useState<Dialog>();
  const close = () => setDialog(undefined);
  const res = useResource(async (signal) => {
    // is_public=None: public and private types alike (admins only); the default named separately.
    const [list, def] = await Promise.all([
      api.volume.get<{ volume_types: VolumeType[] }>('/types', { is_public: 'None' }, { signal }),
      api.volume.get<{ volume_type: VolumeType }>('/types/default', undefined, { signal }).then((r) => r.volume_type.id, () => undefined),
    ]);
    return { types: list.volume_types, defaultId: def };
  }, [token]);
  const reload = () => void res.reload();
  const isDefault = (x: VolumeType) => x.id === res.data?.defaultId;
  const specsOf = (x: VolumeType) => Object.entries(x.extra_specs ?? {});

  const columns: Column<VolumeType>[] = [
    { key: 'name', header: t('Name'), sort: (x) => x.name.toLowerCase(), render: (x) => (
      <span className="type-name"><strong>{x.name}</strong>{isDefault(x) && <span className="badge ok">{t('Default')}</span>}</span>
    ) },
    { key: 'description', header: t('Description'), secondary: true, render: (x) => x.description || '—', sort: (x) => x.description ?? '' },
    { key: 'public', header: t('Public'), render: (x) => (x.is_public === false ? t('No') : t('Yes')), sort: (x) => (x.is_public === false ? 0 : 1) },
    { key: 'specs', header: t('Extra specs'), sort: (x) => specsOf(x).length, render: (x) => (specsOf(x).length === 0 ? '—' : (
      <ul className="spec-chips" aria-label={t('Extra specs of {name}', { name: x.name })}>
        {specsOf(x).map(([k, v]) => <li key={k}><code>{k}={v}</code></li>)}
      </ul>
    )) },
    { key: 'id', header: t('ID'), secondary: true, render: (x) => <code>{x.id}</code>, sort: (x) => x.id },
  ];
  const create = <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create volume type')}</button>;

  return (
    <>
      <PageHeader title={t('Volume types')} actions={create}>
        <p className="muted">{t('Types name the kind of storage a volume gets; their extra specs tell the scheduler and the backend how.')}</p>
      </PageHeader>
      <ErrorNote error={res.error} />
      {res.loading && !res.data ? <Loading /> : res.data && (
        <DataTable label={t('Volume types')} rows={res.data.types} columns={columns} rowKey={(x) => x.id}
          filterText={(x) => `${x.name} ${x.id} ${x.description ?? ''} ${specsOf(x).map(([k, v]) => `${k}=${v}`).join(' ')}`}
          actions={(x) => <ActionMenu actions={[
            { label: t('Edit volume type'), onSelect: () => setDialog({ kind: 'edit', type: x }) },
            { label: t('Edit extra specs'), onSelect: () => setDialog({ kind: 'specs', type: x }) },
            { label: t('Delete volume type'), danger: true, disabled: isDefault(x), onSelect: () => setDialog({ kind: 'delete', type: x }) },
          ]} />}
          empty={<EmptyState title={t('No volume types yet.')} hint={t('Create a volume type to offer kinds of storage to projects.')} action={create} />} />
      )}
      {dialog?.kind === 'create' && <VolumeTypeFormModal onClose={close} onDone={reload} />}
      {dialog?.kind === 'edit' && <VolumeTypeFormModal type={dialog.type} onClose={close} onDone={reload} />}
      {dialog?.kind === 'specs' && <TypeSpecsModal type={dialog.type} onClose={close} onDone={reload} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete volume type')} confirmLabel={t('Delete volume type')} onClose={close}
          message={t('Delete volume type {name}? The cloud refuses while volumes use it.', { name: dialog.type.name })}
          onConfirm={async () => {
            await api.volume.del(`/types/${dialog.type.id}`);
            toast(t('Volume type {name} deleted.', { name: dialog.type.name }));
            await res.reload();
          }} />
      )}
    </>
  );
}
