// The built dashboard (Vite's output in dist/dashboard-web): finds the folder and reads a file of
// it by its URL path, refusing anything outside it.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DashboardFile { readonly body: Buffer; readonly type: string; readonly immutable: boolean }

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.map': 'application/json', '.woff2': 'font/woff2',
};

/** dist/dashboard-web beside the compiled server (dist/src/dashboard → dist/dashboard-web). */
export function defaultDashboardRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboard-web');
}

export function dashboardBuilt(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/** A file of the build by its path under the root ('assets/index-abc.js'), or null. */
export async function dashboardFile(root: string, path: string): Promise<DashboardFile | null> {
  const clean = normalize(path).replace(/^([/\\])+/, '');
  if (clean.startsWith('..') || clean.includes(`${sep}..`) || clean.includes('\0')) return null;
  const type = TYPES[extname(clean)];
  if (!type) return null;
  try {
    const body = await readFile(join(root, clean));
    // Vite names assets by content hash: they never change under one name.
    return { body, type, immutable: clean.startsWith('assets/') };
  } catch {
    return null;
  }
}
