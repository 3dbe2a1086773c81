// "Shared with me": images other projects shared with this one, whatever this project answered
// (member_status=all), with Accept / Reject. Only accepted ones appear in image lists and the launch
// wizard; a pending or rejected offer stays here so it can still be answered.
import { useAction } from '../../components/use-action';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { StatusBadge } from '../../components/StatusBadge';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { formatBytes, formatDate, shortId } from '../../components/format';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { imageLabel, listAllImages, type Image, type Member } from './images-api';
import { TagList } from './TagList';
import { copyText } from './copy-text';
import { useToast } from '../../components/toast';

interface Offer { image: Image; member: Member }

export function SharedImagesTable({ onChanged }: { onChanged(): void }) {
  const t = useT();
  const s = useSession();
  const action = useAction();
  const toast = useToast();
  const project = s.project.id;
  const offers = useResource(async (signal): Promise<Offer[]> => {
    const images = (await listAllImages((p, q) => s.api.image.get(p, q, { signal }),
      { visibility: 'shared', member_status: 'all' }, signal)).filter((i) => i.owner !== project);
    // Admins are shown every shared image, member or not: each image's member list (which a member
    // sees with only itself in it) says whether, and how, this project answered.
    const found = await Promise.all(images.map(async (image) => {
      const { members } = await s.api.image.get<{ members: Member[] }>(`/images/${image.id}/members`, undefined, { signal });
      const member = members.find((m) => m.member_id === project);
      return member ? { image, member } : undefined;
    }));
    return found.filter((o): o is Offer => o !== undefined);
  }, [s.token], { pollMs: 15000 });

  const answer = async (o: Offer, status: 'accepted' | 'rejected') => {
    const done = status === 'accepted'
      ? t('Image {name} accepted.', { name: imageLabel(o.image) })
      : t('Image {name} rejected.', { name: imageLabel(o.image) });
    const ok = await action.run(() => s.api.image.put(`/images/${o.image.id}/members/${project}`, { status }), done);
    if (ok !== undefined) { await offers.reload(); onChanged(); }
  };

  const tone = (st: string) => (st === 'accepted' ? 'ok' : st === 'rejected' ? 'off' : 'busy') as 'ok' | 'off' | 'busy';
  const columns: Column<Offer>[] = [
    { key: 'name', header: t('Name'), render: (o) => imageLabel(o.image), sort: (o) => imageLabel(o.image).toLowerCase() },
    { key: 'answer', header: t('Your answer'), render: (o) => <StatusBadge status={o.member.status} tone={tone(o.member.status)} />, sort: (o) => o.member.status },
    { key: 'status', header: t('Image status'), secondary: true, render: (o) => <StatusBadge status={o.image.status} />, sort: (o) => o.image.status },
    { key: 'tags', header: t('Tags'), secondary: true, render: (o) => <TagList tags={o.image.tags ?? []} /> },
    { key: 'size', header: t('Size'), secondary: true, render: (o) => formatBytes(o.image.size), sort: (o) => o.image.size ?? 0 },
    { key: 'owner', header: t('Owner'), secondary: true, render: (o) => <span title={o.image.owner ?? ''}>{o.image.owner ? shortId(o.image.owner) : '—'}</span>, sort: (o) => o.image.owner ?? '' },
    { key: 'since', header: t('Shared on'), secondary: true, render: (o) => formatDate(o.member.created_at), sort: (o) => o.member.created_at },
  ];

  return (
    <>
      <ErrorNote error={offers.error ?? action.error} />
      {offers.loading && !offers.data ? <Loading /> : (
        <DataTable label={t('Shared with me')} rows={offers.data ?? []} columns={columns} rowKey={(o) => o.image.id}
          filterText={(o) => `${imageLabel(o.image)} ${o.image.id} ${o.member.status} ${(o.image.tags ?? []).join(' ')}`}
          actions={(o) => (
            <ActionMenu label={t('Actions')} actions={[
              { label: t('Accept'), disabled: action.busy || o.member.status === 'accepted', onSelect: () => void answer(o, 'accepted') },
              { label: t('Reject'), disabled: action.busy || o.member.status === 'rejected', onSelect: () => void answer(o, 'rejected') },
              { label: t('Launch'), disabled: o.member.status !== 'accepted' || o.image.status !== 'active',
                onSelect: () => navigate(`/project/instances/launch?image=${encodeURIComponent(o.image.id)}`) },
            ]} />
          )}
          empty={<EmptyState title={t('No images are shared with this project.')}
            hint={t('When another project shares an image with this one, accept it here to launch instances from it. Give them this project id: {id}', { id: project })}
            action={<button type="button" onClick={() => void copyText(project).then((ok) => toast(ok ? t('Project id copied.') : t('Copying failed; select the id above instead.'), ok ? 'ok' : 'bad'))}>{t('Copy project id')}</button>} />} />
      )}
    </>
  );
}
