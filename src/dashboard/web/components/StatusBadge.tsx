// A status word with its colour (the word itself carries the meaning; colour only helps).
const TONES: Record<string, string> = {
  active: 'ok', available: 'ok', 'in-use': 'ok', running: 'ok', up: 'ok', enabled: 'ok', true: 'ok',
  error: 'bad', error_deleting: 'bad', error_restoring: 'bad', down: 'bad', failed: 'bad', killed: 'bad',
  shutoff: 'off', stopped: 'off', paused: 'off', suspended: 'off', shelved: 'off', shelved_offloaded: 'off', disabled: 'off', deleted: 'off', inactive: 'off',
};

/** `tone` overrides the colour where a word means something else (a floating IP that is DOWN is just unused). */
export function StatusBadge({ status, busy, tone: toneOverride }: { status: string; busy?: boolean; tone?: 'ok' | 'bad' | 'busy' | 'off' | 'neutral' }) {
  const s = status.toLowerCase();
  const tone = toneOverride ?? (busy ? 'busy' : TONES[s] ?? (/ing$|^build|^queued|^saving|^uploading|^pending|^reboot|^resize|^migrat|^verify/.test(s) ? 'busy' : 'neutral'));
  return <span className={`badge ${tone}`} data-status={s}>{busy && <span className="spinner" aria-hidden="true" />}{status}</span>;
}
