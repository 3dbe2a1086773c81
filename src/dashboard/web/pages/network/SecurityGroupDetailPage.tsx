// One security group: its rules, with "Add rule" and "Delete rule".
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { EmptyState } from '../../components/EmptyState';
import { DataTable, type Column } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Modal';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import type { SecurityGroup, SecurityGroupRule } from './neutron';
import { portText } from './rule-presets';
import { AddRuleModal } from './AddRuleModal';

export function SecurityGroupDetailPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const toast = useToast();
  const { api, project } = useSession();
  const id = params.id;
  const res = useResource(async (signal) => {
    const [group, groups] = await Promise.all([
      api.network.get<{ security_group: SecurityGroup }>(`/security-groups/${id}`, undefined, { signal }).then((r) => r.security_group),
      api.network.get<{ security_groups: SecurityGroup[] }>('/security-groups', { project_id: project.id }, { signal }).then((r) => r.security_groups),
    ]);
    return { group, groups };
  }, [id, project.id]);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<SecurityGroupRule>();

  if (res.error && !res.data) return <><PageHeader title={t('Security group')} /><ErrorNote error={res.error} /></>;
  if (!res.data) return <><PageHeader title={t('Security group')} /><Loading /></>;
  const { group: g, groups } = res.data;
  const groupName = new Map(groups.map((x) => [x.id, x.name || x.id]));
  const remote = (r: SecurityGroupRule) => r.remote_group_id
    ? t('Group {name}', { name: groupName.get(r.remote_group_id) ?? r.remote_group_id })
    : r.remote_ip_prefix ?? (r.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0');
  const columns: Column<SecurityGroupRule>[] = [
    { key: 'dir', header: t('Direction'), sort: (r) => r.direction, render: (r) => (r.direction === 'ingress' ? t('Ingress') : t('Egress')) },
    { key: 'eth', header: t('Ether type'), secondary: true, sort: (r) => r.ethertype, render: (r) => r.ethertype },
    { key: 'proto', header: t('Protocol'), sort: (r) => r.protocol ?? '', render: (r) => r.protocol?.toUpperCase() ?? t('Any') },
    { key: 'ports', header: t('Port range'), render: (r) => portText(r.protocol, r.port_range_min, r.port_range_max, t) },
    { key: 'remote', header: t('Remote'), render: remote },
    { key: 'desc', header: t('Description'), secondary: true, render: (r) => r.description || '—' },
  ];
  const rules = g.security_group_rules ?? [];
  const add = <button type="button" className="primary" onClick={() => setAdding(true)}>{t('Add rule')}</button>;
  return (
    <>
      <PageHeader title={t('Security group {name}', { name: g.name || g.id })} actions={add}>
        <Link to="/project/security-groups">{t('All security groups')}</Link>
        {g.description && <p>{g.description}</p>}
      </PageHeader>
      <ErrorNote error={res.error} />
      <DataTable label={t('Rules')} rows={rules} columns={columns} rowKey={(r) => r.id}
        filterText={(r) => `${r.direction} ${r.ethertype} ${r.protocol ?? ''} ${r.port_range_min ?? ''} ${remote(r)} ${r.description ?? ''}`}
        actions={(r) => <button type="button" className="danger" onClick={() => setDeleting(r)}>{t('Delete rule')}</button>}
        empty={<EmptyState title={t('This group has no rules: it lets no traffic through.')} hint={t('Add a rule, e.g. SSH (22) from your network.')} action={add} />} />
      {adding && <AddRuleModal group={g} groups={groups} onClose={() => setAdding(false)} onDone={() => void res.reload()} />}
      {deleting && (
        <ConfirmDialog title={t('Delete rule')} confirmLabel={t('Delete rule')}
          message={t('Delete the {direction} rule {protocol} {ports} from {remote}?', {
            direction: deleting.direction === 'ingress' ? t('Ingress') : t('Egress'), protocol: deleting.protocol?.toUpperCase() ?? t('Any'),
            ports: portText(deleting.protocol, deleting.port_range_min, deleting.port_range_max, t), remote: remote(deleting),
          })}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.network.del(`/security-group-rules/${deleting.id}`);
            toast(t('Rule deleted.'));
            await res.reload();
          }} />
      )}
    </>
  );
}
