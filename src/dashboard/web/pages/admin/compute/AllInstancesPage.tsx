// Admin: instances of every project (the shared instances table with all_tenants).
import { PageHeader } from '../../../components/PageHeader';
import { useT } from '../../../i18n/i18n';
import { InstancesTable } from '../../instances/InstancesTable';

export function AllInstancesPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('All instances')} />
      <InstancesTable allProjects />
    </>
  );
}
