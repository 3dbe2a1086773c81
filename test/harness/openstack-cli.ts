// Drives the real `openstack` CLI (Debian's python3-openstackclient) for the compatibility tests:
// each call runs one bounded child process with exactly the credentials given, nothing inherited.
import { spawn } from 'node:child_process';
import { cleanEnv } from './nubis-process.js';

const CALL_TIMEOUT_MS = 60_000;

export interface CliResult {
  /** Exit status; -1 if a signal ended the CLI. */
  code: number;
  stdout: string;
  stderr: string;
  /** The command line, for failure messages. */
  command: string;
}

export class OpenStackCli {
  /**
   * @param env credentials (OS_CLIENT_CONFIG_FILE, OS_AUTH_URL, OS_USERNAME…) for every call
   * @param globalArgs options before the command, such as ['--os-cloud', 'nubis']
   * @param context what to add to a timeout's message (the server's recent log)
   */
  constructor(private readonly env: Record<string, string>, private readonly globalArgs: string[] = [],
    private readonly context?: () => string) {}

  /** Runs `openstack GLOBAL ARGS`; never throws for a non-zero exit. */
  run(args: string[]): Promise<CliResult> {
    const argv = [...this.globalArgs, ...args];
    const command = `openstack ${argv.join(' ')}`;
    // stdin is closed, so a CLI that wants to prompt fails instead of waiting for an answer.
    const child = spawn('openstack', argv, { env: cleanEnv(this.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
        reject(new Error(`${command}: no answer within ${CALL_TIMEOUT_MS} ms\n${stderr}${this.context?.() ?? ''}`));
      }, CALL_TIMEOUT_MS);
      child.once('error', (err) => { clearTimeout(timer); reject(new Error(`${command}: ${err.message}`)); });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr, command });
      });
    });
  }

  /** Runs a command that must succeed and prints nothing worth parsing (set, delete, add…). */
  async ok(args: string[]): Promise<CliResult> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`${r.command} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    return r;
  }

  /** Runs a command with `-f json`, which must succeed, and parses what it prints. */
  async json<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await this.ok([...args, '-f', 'json']);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`${r.command} printed no JSON:\n${r.stdout}\n${r.stderr}`);
    }
  }

  /** Runs a command that must fail; returns its output so the caller can check the reason. */
  async fails(args: string[]): Promise<CliResult> {
    const r = await this.run(args);
    if (r.code === 0) throw new Error(`${r.command} succeeded but should have failed:\n${r.stdout}`);
    return r;
  }
}
