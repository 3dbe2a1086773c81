// The Launch instance wizard: a list of steps to jump between, the current step's form, and
// Back / Next / "Launch instance" — the launch is one POST /servers built from the whole form.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { navigate, useLocation } from '../../app/router';
import { useSession } from '../../app/session';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../components/use-action';
import { useT } from '../../i18n/i18n';
import { emptyForm, flavorProblem, serverBody, stepErrors, STEPS, type LaunchForm, type Step } from './launch-form';
import { imageVolumeSize, isSnapshotImage } from './launch-data';
import { useLaunchData } from './use-launch-data';
import { DetailsStep } from './DetailsStep';
import { SourceStep } from './SourceStep';
import { FlavorStep } from './FlavorStep';
import { NetworksStep } from './NetworksStep';
import { SecurityStep } from './SecurityStep';
import { KeypairStep } from './KeypairStep';
import { ConfigStep } from './ConfigStep';
import type { StepProps } from './step-props';
import './launch.css';

const STEP_VIEWS: Record<Step, (p: StepProps) => ReactNode> = {
  details: DetailsStep, source: SourceStep, flavor: FlavorStep, networks: NetworksStep,
  security: SecurityStep, keypair: KeypairStep, config: ConfigStep,
};

export function LaunchPage() {
  const t = useT();
  const { api } = useSession();
  const { query } = useLocation();
  const data = useLaunchData();
  const action = useAction();
  const [form, setForm] = useState<LaunchForm>(() => {
    const f = emptyForm();
    const g = { ...f, serverGroup: query.get('group') ?? '' };
    if (query.get('volume')) return { ...g, source: 'volume', sourceId: query.get('volume')! };
    if (query.get('image')) return { ...g, sourceId: query.get('image')! };
    return g;
  });
  const [step, setStep] = useState<Step>('details');
  const [shown, setShown] = useState<ReadonlySet<Step>>(new Set());
  const heading = useRef<HTMLHeadingElement>(null);
  const update = (patch: Partial<LaunchForm>) => setForm((f) => ({ ...f, ...patch }));

  // A preselected image may be an instance snapshot, and sets the default volume size.
  // A preselected id that is not (or no longer) usable is dropped, so the user picks another.
  const preImage = query.get('image');
  const preVolume = query.get('volume');
  const preGroup = query.get('group');
  useEffect(() => {
    if (!preImage || !data.images.data) return;
    const image = data.images.data.find((i) => i.id === preImage);
    setForm((f) => (f.sourceId !== preImage ? f : image
      ? { ...f, source: isSnapshotImage(image) ? 'snapshot' : 'image', volumeSize: imageVolumeSize(image) }
      : { ...f, sourceId: '' }));
  }, [data.images.data, preImage]);
  useEffect(() => {
    if (!preVolume || !data.volumes.data) return;
    if (!data.volumes.data.some((v) => v.id === preVolume)) setForm((f) => (f.sourceId === preVolume ? { ...f, sourceId: '' } : f));
  }, [data.volumes.data, preVolume]);
  useEffect(() => {
    if (!preGroup || !data.serverGroups.data) return;
    if (!data.serverGroups.data.some((g) => g.id === preGroup)) setForm((f) => (f.serverGroup === preGroup ? { ...f, serverGroup: '' } : f));
  }, [data.serverGroups.data, preGroup]);

  const image = form.source === 'image' || form.source === 'snapshot' ? data.images.data?.find((i) => i.id === form.sourceId) : undefined;
  const flavor = data.flavors.data?.find((f) => f.id === form.flavorId);
  const flavorBlocked = !!flavor && !!flavorProblem(flavor, image, form, t);
  const subnets = data.subnets.data, ports = data.ports.data;
  const errors = useMemo(() => stepErrors(form, t, { flavorBlocked, subnets, ports }), [form, t, flavorBlocked, subnets, ports]);
  const invalid = (s: Step) => Object.keys(errors[s]).length > 0;
  const index = STEPS.indexOf(step);
  const labels: Record<Step, string> = {
    details: t('Details'), source: t('Source'), flavor: t('Flavor'), networks: t('Networks'),
    security: t('Security groups'), keypair: t('Key pair'), config: t('Configuration'),
  };

  // On phones the step list scrolls sideways: keep the current step in view.
  useEffect(() => {
    document.querySelector('.launch-steps [aria-current="step"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [step]);
  const go = (s: Step) => { setStep(s); window.setTimeout(() => heading.current?.focus(), 0); };
  const next = () => {
    setShown((x) => new Set(x).add(step));
    if (!invalid(step)) go(STEPS[index + 1]);
  };
  const launch = async () => {
    setShown(new Set(STEPS));
    const bad = STEPS.find(invalid);
    if (bad) { go(bad); return; }
    const ok = await action.run(() => api.compute.post('/servers', serverBody(form)),
      t('Instance {name} is being created', { name: form.name }));
    if (ok !== undefined) { navigate('/project/instances'); return; }
    // The refusal may come from what changed since the lists were read (quota used elsewhere, a port
    // taken, a group deleted): read them again so the wizard shows the cloud as it is now.
    void data.limits.reload();
    void data.ports.reload();
    void data.serverGroups.reload();
  };

  const View = STEP_VIEWS[step];
  return (
    <>
      <PageHeader title={t('Launch instance')} />
      <div className="launch-wizard">
        <nav aria-label={t('Launch steps')} className="launch-steps">
          <ol>
            {STEPS.map((s, i) => (
              <li key={s}>
                <button type="button" aria-current={s === step ? 'step' : undefined} onClick={() => go(s)}
                  className={shown.has(s) && invalid(s) ? 'has-error' : undefined}>
                  <span className="launch-step-no" aria-hidden="true">{i + 1}</span>
                  {labels[s]}
                  {shown.has(s) && invalid(s) && <span className="visually-hidden"> ({t('needs attention')})</span>}
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <form className="panel launch-step" noValidate onSubmit={(e) => { e.preventDefault(); if (index < STEPS.length - 1) next(); else void launch(); }}>
          <h2 ref={heading} tabIndex={-1}>{t('Step {n} of {m}: {name}', { n: index + 1, m: STEPS.length, name: labels[step] })}</h2>
          <View form={form} update={update} errors={shown.has(step) ? errors[step] : {}} data={data} />
          <div className="launch-actions">
            <ErrorNote error={action.error} title={t('The instance could not be launched')} />
            <div className="launch-buttons">
              <button type="button" onClick={() => navigate('/project/instances')}>{t('Cancel')}</button>
              <span className="launch-spacer" />
              <button type="button" disabled={index === 0} onClick={() => go(STEPS[index - 1])}>{t('Back')}</button>
              {index < STEPS.length - 1 && <button type="submit">{t('Next')}</button>}
              <button type="button" className="primary" disabled={action.busy} onClick={() => void launch()}>
                {action.busy ? t('Launching…') : t('Launch instance')}
              </button>
            </div>
          </div>
        </form>
      </div>
    </>
  );
}
