// The Edit dialog's tag list: chips with a remove button and a field to add one. Nothing is sent
// here; the dialog's Save turns the difference into PUT/DELETE /images/{id}/tags/{tag} (and a tag
// still typed in the field counts too: the dialog owns `draft`).
import { useState } from 'react';
import { TextField } from '../../components/fields';
import { useT } from '../../i18n/i18n';

export function TagsEditor({ tags, onChange, draft, setDraft }: {
  tags: readonly string[]; onChange(tags: string[]): void; draft: string; setDraft(v: string): void;
}) {
  const t = useT();
  const [error, setError] = useState<string>();

  const add = () => {
    const tag = draft.trim();
    if (!tag) { setError(t('Type a tag first.')); return; }
    // Glance's limit: 1 to 255 characters.
    if (tag.length > 255) { setError(t('A tag has at most 255 characters.')); return; }
    setError(undefined);
    setDraft('');
    if (!tags.includes(tag)) onChange([...tags, tag]);
  };

  return (
    <>
      <h3>{t('Tags')}</h3>
      {tags.length === 0
        ? <p className="field-hint">{t('No tags.')}</p>
        : (
          <ul className="image-tags editable" aria-label={t('Tags')}>
            {tags.map((tag) => (
              <li key={tag} className="image-tag">
                {tag}
                <button type="button" aria-label={t('Remove tag {tag}', { tag })} onClick={() => onChange(tags.filter((x) => x !== tag))}>×</button>
              </li>
            ))}
          </ul>
        )}
      <div className="add-row">
        <TextField label={t('New tag')} value={draft} error={error}
          onChange={(e) => setDraft(e.target.value)}
          // Enter adds the tag instead of submitting (saving) the whole dialog.
          onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }} />
        <button type="button" onClick={add}>{t('Add tag')}</button>
      </div>
    </>
  );
}
