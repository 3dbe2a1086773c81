// The commands the L2 dataplane runs, in the host's namespace or in the one standing in for it
// (tests run a whole dataplane inside a fresh namespace so they never touch the real host).
import { run } from '../../../platform/run.js';

export interface HostExec {
  /** The namespace commands run in; undefined: the current one. */
  readonly netns: string | undefined;
  ip(args: readonly string[]): Promise<string>;
  /**
   * Many `ip` commands in one process (`ip -batch -`): stops at the first failure, or with `force`
   * runs them all and fails at the end if any failed. Arguments must not contain spaces.
   */
  ipBatch(commands: ReadonlyArray<readonly string[]>, force?: boolean): Promise<void>;
  bridge(args: readonly string[]): Promise<string>;
  nft(args: readonly string[], input?: string): Promise<string>;
  sysctl(key: string, value: string): Promise<void>;
}

export function hostExec(netns?: string): HostExec {
  const inNs = (cmd: string, args: readonly string[], input?: string): Promise<string> =>
    netns
      ? run('ip', ['netns', 'exec', netns, cmd, ...args], input === undefined ? {} : { input })
      : run(cmd, args, input === undefined ? {} : { input });
  return {
    netns,
    ip: (args) => run('ip', netns ? ['-n', netns, ...args] : args),
    ipBatch: async (commands, force = false) => {
      if (!commands.length) return;
      const args = [...(netns ? ['-n', netns] : []), ...(force ? ['-force'] : []), '-batch', '-'];
      await run('ip', args, { input: `${commands.map((c) => c.join(' ')).join('\n')}\n` });
    },
    bridge: (args) => run('bridge', netns ? ['-n', netns, ...args] : args),
    nft: (args, input) => inNs('nft', args, input),
    sysctl: async (key, value) => { await inNs('sysctl', ['-q', '-w', `${key}=${value}`]); },
  };
}

/** Parses `-j` output, where an empty answer means an empty list. */
export function parseJsonList<T>(out: string): T[] {
  const text = out.trim();
  return text ? (JSON.parse(text) as T[]) : [];
}

/** True for the errors that mean "already gone", so removals can be retried safely. */
export function isGone(e: unknown): boolean {
  return /Cannot find|does not exist|No such (file|device)|not found/i.test(e instanceof Error ? e.message : String(e));
}
