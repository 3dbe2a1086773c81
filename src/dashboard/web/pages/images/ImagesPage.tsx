// Project → Images: the project's own images and those shared with it or public.
import { ImagesTable } from './ImagesTable';
import { useT } from '../../i18n/i18n';

export function ImagesPage() {
  const t = useT();
  return <ImagesTable title={t('Images')} />;
}
