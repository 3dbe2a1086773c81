// Wires the instance actions to the UI: the row/header menu, the bulk bar and the dialogs they open.
// Errors (e.g. a 409 when the state forbids the action) show as a toast naming the instance.
import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../../components/Modal';
import type { MenuAction } from '../../components/ActionMenu';
import { useToast } from '../../components/toast';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { BULK_ACTIONS, SIMPLE_ACTIONS, canConsole, canResize, canSnapshot, deleteServer, runForEach, serverAction } from './server-actions';
import type { Server } from './server-model';
import { ResizeModal } from './ResizeModal';
import { SnapshotModal } from './SnapshotModal';

type Dialog = { kind: 'resize' | 'snapshot'; server: Server } | { kind: 'delete'; servers: Server[]; clear?: () => void } | undefined;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function useServerActions(refresh: () => void, opts: { afterDelete?: () => void } = {}) {
  const t = useT();
  const toast = useToast();
  const { api } = useSession();
  const [dialog, setDialog] = useState<Dialog>();
  // The last bulk run's failures stay listed (toasts fade, and a long list would not fit in them).
  const [failed, setFailed] = useState<{ action: string; items: { name: string; error: string }[] }>();

  const runOne = async (s: Server, body: unknown, done: string) => {
    try {
      await serverAction(api.compute, s.id, body);
      toast(t(done, { name: s.name }));
    } catch (err) {
      toast(t('{name}: {error}', { name: s.name, error: message(err) }), 'bad');
    }
    refresh();
  };

  const menu = (s: Server): MenuAction[] => [
    ...SIMPLE_ACTIONS.map((a) => ({ label: t(a.label), disabled: !a.allowed(s), onSelect: () => void runOne(s, a.body, a.done) })),
    { label: t('Resize'), disabled: !canResize(s), onSelect: () => setDialog({ kind: 'resize', server: s }) },
    { label: t('Create snapshot'), disabled: !canSnapshot(s), onSelect: () => setDialog({ kind: 'snapshot', server: s }) },
    { label: t('Console'), disabled: !canConsole(s), onSelect: () => navigate(`/project/instances/${s.id}/console`) },
    { label: t('Delete'), danger: true, onSelect: () => setDialog({ kind: 'delete', servers: [s] }) },
  ];

  const runBulk = async (selected: Server[], label: string, fn: (s: Server) => Promise<unknown>, clear: () => void) => {
    const failures = await runForEach(selected, fn);
    const ok = selected.length - failures.length;
    if (ok) toast(t('{action}: done for {n} instance(s)', { action: label, n: ok }));
    if (failures.length) toast(t('{action} failed for {n} instance(s)', { action: label, n: failures.length }), 'bad');
    setFailed(failures.length ? { action: label, items: failures.map((f) => ({ name: f.server.name, error: message(f.error) })) } : undefined);
    if (!failures.length) clear();
    refresh();
    return failures;
  };

  const bulk = (selected: Server[], clear: () => void): ReactNode => (
    <>
      {BULK_ACTIONS.map((id) => {
        const a = SIMPLE_ACTIONS.find((x) => x.id === id)!;
        return <button key={id} type="button" onClick={() => void runBulk(selected, t(a.label), (s) => serverAction(api.compute, s.id, a.body), clear)}>{t(a.label)}</button>;
      })}
      <button type="button" className="danger" onClick={() => setDialog({ kind: 'delete', servers: selected, clear })}>{t('Delete')}</button>
    </>
  );

  const close = () => setDialog(undefined);
  let dialogs: ReactNode = null;
  if (dialog?.kind === 'resize') dialogs = <ResizeModal server={dialog.server} onClose={close} onDone={refresh} />;
  else if (dialog?.kind === 'snapshot') dialogs = <SnapshotModal server={dialog.server} onClose={close} onDone={refresh} />;
  else if (dialog?.kind === 'delete') {
    const { servers, clear } = dialog;
    const one = servers.length === 1;
    dialogs = (
      <ConfirmDialog
        title={one ? t('Delete instance') : t('Delete {n} instances', { n: servers.length })}
        message={one
          ? t('Delete instance {name}? Its disk is erased; this cannot be undone.', { name: servers[0].name })
          : t('Delete these instances? Their disks are erased; this cannot be undone: {names}', { names: servers.map((s) => s.name).join(', ') })}
        confirmLabel={t('Delete')}
        onClose={close}
        onConfirm={async () => {
          if (one) {
            // A single delete keeps the error inside the dialog (ConfirmDialog shows it).
            await deleteServer(api.compute, servers[0].id);
            toast(t('Instance {name} is being deleted', { name: servers[0].name }));
            refresh();
            opts.afterDelete?.();
            return;
          }
          await runBulk(servers, t('Delete'), (s) => deleteServer(api.compute, s.id), clear ?? (() => undefined));
        }} />
    );
  }
  const failures: ReactNode = failed && (
    <div className="error-note" role="alert">
      <strong>{t('{action} failed for {n} instance(s):', { action: failed.action, n: failed.items.length })}</strong>
      <ul>{failed.items.map((f, i) => <li key={i}>{f.name}: {f.error}</li>)}</ul>
      <button type="button" onClick={() => setFailed(undefined)}>{t('Dismiss')}</button>
    </div>
  );
  return { menu, bulk, dialogs, failures };
}
