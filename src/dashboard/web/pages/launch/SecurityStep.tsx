// Step 5: the project's security groups the instance's ports get ("default" is ticked to start).
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { useT } from '../../i18n/i18n';
import type { StepProps } from './step-props';

export function SecurityStep({ form, update, data }: StepProps) {
  const t = useT();
  const res = data.securityGroups;
  if (res.error) return <ErrorNote error={res.error} title={t('Security groups')} />;
  if (!res.data) return <Loading />;
  // Nova takes names: groups are listed by name once even if two share it.
  const names = [...new Set(res.data.map((g) => g.name))];
  const toggle = (name: string, on: boolean) =>
    update({ securityGroups: on ? [...form.securityGroups, name] : form.securityGroups.filter((x) => x !== name) });
  return (
    <fieldset className="launch-checklist">
      <legend>{t('Security groups')}</legend>
      {names.length === 0 && <p className="field-hint">{t('The project has no security group yet; Nubis creates "default" with the first instance.')}</p>}
      {names.map((name) => {
        const g = res.data!.find((x) => x.name === name)!;
        const id = `launch-sg-${g.id}`;
        return (
          <div className="field checkbox" key={name}>
            <input id={id} type="checkbox" checked={form.securityGroups.includes(name)} onChange={(e) => toggle(name, e.target.checked)}
              aria-describedby={g.description ? `${id}-d` : undefined} />
            <label htmlFor={id}>{name}</label>
            {g.description && <div className="field-hint" id={`${id}-d`}>{g.description}</div>}
          </div>
        );
      })}
      {form.nics.length === 0 && <p className="field-hint">{t('Security groups apply to network ports; with no network they have no effect.')}</p>}
      {form.nics.some((n) => n.kind === 'port') && <p className="field-hint">{t('Existing ports keep their own security groups; these apply to the new ports.')}</p>}
    </fieldset>
  );
}
