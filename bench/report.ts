// Shared by the benchmarks: what machine ran them, and their section of docs/BENCHMARKS.md
// (each benchmark owns the text between its own markers and leaves the rest alone).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

export interface Machine { cpus: number; cpuModel: string; memoryGiB: number; node: string; kernel: string; date: string }

export function machine(): Machine {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const kernel = existsSync('/proc/sys/kernel/osrelease') ? readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim() : 'unknown';
  return {
    cpus: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel,
    date: new Date().toISOString().slice(0, 10),
  };
}

export const machineLine = (m: Machine): string =>
  `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node.js ${m.node}, ${m.date}`;

/** Peak resident memory of a process (VmHWM), in MiB; undefined if it cannot be read. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const kb = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** A Markdown table: first column left-aligned, the figures right-aligned. */
export function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

const HEADER = '# Benchmarks\n\nFigures recorded by the benchmarks in `bench/` (`make bench`). Tests never assert on speed;\nthese pages are where speed is written down.\n';

/** Replaces (or appends) the section between `<!-- name:start -->` and `<!-- name:end -->`. */
export function updateSection(file: string, name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  const next = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
