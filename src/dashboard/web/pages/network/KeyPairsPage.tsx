// Key pairs (Nova os-keypairs): list, create (the private key downloads once), import, delete.
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { DataTable, type Column } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Modal';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import type { Keypair } from './neutron';
import { CreateKeypairModal, ImportKeypairModal } from './KeypairModals';

export function KeyPairsPage() {
  const t = useT();
  const toast = useToast();
  const { api, project, user } = useSession();
  const res = useResource(async (signal) =>
    (await api.compute.get<{ keypairs: { keypair: Keypair }[] }>('/os-keypairs', undefined, { signal })).keypairs.map((k) => k.keypair), [project.id, user.id]);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<Keypair>();
  const columns: Column<Keypair>[] = [
    { key: 'name', header: t('Name'), sort: (k) => k.name, render: (k) => k.name },
    { key: 'type', header: t('Type'), sort: (k) => k.type ?? '', render: (k) => k.type ?? 'ssh' },
    { key: 'fp', header: t('Fingerprint'), secondary: true, render: (k) => <code className="break-all">{k.fingerprint}</code> },
  ];
  const buttons = (
    <>
      <button type="button" className="primary" onClick={() => setCreating(true)}>{t('Create key pair')}</button>
      <button type="button" onClick={() => setImporting(true)}>{t('Import public key')}</button>
    </>
  );
  return (
    <>
      <PageHeader title={t('Key pairs')} actions={buttons} />
      <ErrorNote error={res.error} />
      {res.loading && !res.data ? <Loading /> : res.data && (
        <DataTable label={t('Key pairs')} rows={res.data} columns={columns} rowKey={(k) => k.name}
          filterText={(k) => `${k.name} ${k.fingerprint}`}
          actions={(k) => <button type="button" className="danger" onClick={() => setDeleting(k)}>{t('Delete key pair')}</button>}
          empty={<EmptyState title={t('You have no key pairs yet.')} hint={t('Create or import a key pair to log in to your instances with SSH.')} action={buttons} />} />
      )}
      {creating && <CreateKeypairModal onClose={() => setCreating(false)} onDone={() => void res.reload()} />}
      {importing && <ImportKeypairModal onClose={() => setImporting(false)} onDone={() => void res.reload()} />}
      {deleting && (
        <ConfirmDialog title={t('Delete key pair')} confirmLabel={t('Delete key pair')}
          message={t('Delete key pair {name}? Instances that use it keep the key; new instances cannot use it.', { name: deleting.name })}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.compute.del(`/os-keypairs/${encodeURIComponent(deleting.name)}`);
            toast(t('Key pair {name} deleted.', { name: deleting.name }));
            await res.reload();
          }} />
      )}
    </>
  );
}
