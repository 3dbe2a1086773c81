// Project › Instances: the list with a Launch button.
import { PageHeader } from '../../components/PageHeader';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { InstancesTable } from './InstancesTable';

export function InstancesPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('Instances')} actions={
        <button type="button" className="primary" onClick={() => navigate('/project/instances/launch')}>{t('Launch instance')}</button>
      } />
      <InstancesTable />
    </>
  );
}
