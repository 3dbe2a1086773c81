// Project → Images: a tab with every image the project can use (its own, public, shared and accepted)
// and a "Shared with me" tab where the project answers other projects' offers (?tab=shared opens it).
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { Tabs } from '../../components/Tabs';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useLocation } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { listAllImages, TRANSITIONAL, type Image } from './images-api';
import { ImagesTable } from './ImagesTable';
import { SharedImagesTable } from './SharedImagesTable';
import { CreateImageModal } from './CreateImageModal';
import './images.css';

// Every 2 s while an image is queued/saving/importing/uploading, else every 15 s.
const POLL = (d: Image[] | undefined) => (d?.some((i) => TRANSITIONAL.has(i.status)) ? 2000 : 15000);

export function ImagesPage() {
  const t = useT();
  const s = useSession();
  const { query } = useLocation();
  const [creating, setCreating] = useState(false);
  const images = useResource((signal) => listAllImages((p, q) => s.api.image.get(p, q, { signal }), {}, signal), [s.token], { pollMs: POLL });
  const create = () => setCreating(true);

  return (
    <>
      <PageHeader title={t('Images')} actions={<button type="button" className="primary" onClick={create}>{t('Create image')}</button>} />
      <Tabs label={t('Image lists')} initial={query.get('tab') === 'shared' ? 'shared' : 'available'} tabs={[
        { id: 'available', label: t('Available'), render: () => <ImagesTable images={images} onCreate={create} /> },
        { id: 'shared', label: t('Shared with me'), render: () => <SharedImagesTable onChanged={() => void images.reload()} /> },
      ]} />
      {creating && <CreateImageModal onClose={() => setCreating(false)} onChanged={() => void images.reload()} />}
    </>
  );
}
