// Admin: host aggregates (create, edit, hosts, delete) and the availability zones they define.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ActionMenu } from '../../../components/ActionMenu';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog } from '../../../components/Modal';
import { PageHeader } from '../../../components/PageHeader';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import { AggregateFormModal } from './AggregateFormModal';
import { AggregateHostsModal } from './AggregateHostsModal';
import type { Aggregate } from './compute-data';
import { ZonesTable } from './ZonesTable';
import './admin-compute.css';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'hosts' | 'delete'; aggregate: Aggregate };

export function AggregatesPage() {
  const t = useT();
  const { api } = useSession();
  const toast = useToast();
  const [dialog, setDialog] = useState<Dialog>();
  const [version, setVersion] = useState(0);
  const res = useResource((signal) => api.compute.get<{ aggregates: Aggregate[] }>('/os-aggregates', undefined, { signal }).then((r) => r.aggregates), []);
  const changed = () => { void res.reload(); setVersion((v) => v + 1); };
  const close = () => setDialog(undefined);

  const columns: Column<Aggregate>[] = [
    { key: 'name', header: t('Name'), render: (a) => <strong>{a.name}</strong>, sort: (a) => a.name },
    { key: 'zone', header: t('Availability zone'), render: (a) => a.availability_zone ?? '—', sort: (a) => a.availability_zone ?? '' },
    { key: 'hosts', header: t('Hosts'), render: (a) => a.hosts.length ? <ul className="chip-list">{a.hosts.map((h) => <li key={h}>{h}</li>)}</ul> : '—', sort: (a) => a.hosts.length },
    { key: 'meta', header: t('Metadata'), secondary: true, render: (a) => {
      const entries = Object.entries(a.metadata ?? {});
      return entries.length ? <ul className="chip-list">{entries.map(([k, v]) => <li key={k}>{k}={v}</li>)}</ul> : '—';
    } },
  ];
  const create = <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create host aggregate')}</button>;

  return (
    <>
      <PageHeader title={t('Host aggregates and availability zones')} actions={create} />
      <h2 className="section-title" id="aggregates-title">{t('Host aggregates')}</h2>
      <ErrorNote error={res.error} />
      {res.loading ? <Loading /> : (
        <DataTable label={t('Host aggregates')} rows={res.data ?? []} columns={columns} rowKey={(a) => String(a.id)}
          filterText={(a) => `${a.name} ${a.availability_zone ?? ''} ${a.hosts.join(' ')}`}
          actions={(a) => <ActionMenu label={t('Actions')} actions={[
            { label: t('Edit'), onSelect: () => setDialog({ kind: 'edit', aggregate: a }) },
            { label: t('Manage hosts'), onSelect: () => setDialog({ kind: 'hosts', aggregate: a }) },
            { label: t('Delete'), danger: true, onSelect: () => setDialog({ kind: 'delete', aggregate: a }) },
          ]} />}
          empty={<EmptyState title={t('No host aggregates yet.')} hint={t('Group hosts into an aggregate to give them an availability zone or scheduling metadata.')} action={create} />} />
      )}
      <ZonesTable version={version} />
      {dialog?.kind === 'create' && <AggregateFormModal onClose={close} onDone={changed} />}
      {dialog?.kind === 'edit' && <AggregateFormModal aggregate={dialog.aggregate} onClose={close} onDone={changed} />}
      {dialog?.kind === 'hosts' && <AggregateHostsModal aggregate={dialog.aggregate} onClose={() => { close(); changed(); }} onDone={changed} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete host aggregate')} confirmLabel={t('Delete')} onClose={close}
          message={t('Delete host aggregate {name}? Remove its hosts first; this cannot be undone.', { name: dialog.aggregate.name })}
          onConfirm={async () => {
            await api.compute.del(`/os-aggregates/${dialog.aggregate.id}`);
            toast(t('Host aggregate {name} deleted', { name: dialog.aggregate.name }));
            changed();
          }} />
      )}
    </>
  );
}
