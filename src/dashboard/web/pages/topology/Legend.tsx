// What the node shapes and colours mean (the words are also on every node).
import { useT } from '../../i18n/i18n';

export function Legend() {
  const t = useT();
  const items: [string, string][] = [
    ['external', t('External network')], ['router', t('Router')], ['network', t('Network')], ['instance', t('Instance')],
  ];
  return (
    <ul className="topo-legend" aria-label={t('Legend')}>
      {items.map(([kind, label]) => (
        <li key={kind}><svg width="18" height="14" aria-hidden="true" className={`topo-${kind}`}><rect className="topo-box" x="1" y="1" width="16" height="12" rx={kind === 'router' || kind === 'instance' ? 5 : 2} /></svg>{label}</li>
      ))}
    </ul>
  );
}
