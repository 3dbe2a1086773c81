// The landing page: the project's quota usage (live) and its usage over a period.
import { useSession } from '../../app/session';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../i18n/i18n';
import { QuotaCharts } from './QuotaCharts';
import { UsageSection } from './UsageSection';
import './overview.css';

export function OverviewPage() {
  const t = useT();
  const { project } = useSession();
  return (
    <>
      <PageHeader title={t('Overview')}>
        <p className="ov-subtitle">{t('Project {name}', { name: project.name })}</p>
      </PageHeader>
      <QuotaCharts />
      <UsageSection />
    </>
  );
}
