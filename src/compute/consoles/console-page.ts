// The browser side of the VNC console: a small page of our own (the npm build of noVNC ships
// only its library, core/ and vendor/, not its vnc.html application) that loads noVNC's RFB
// client and opens the websocket named by its `path` query parameter on the page's own host.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Console</title>
<style>
  html, body { margin: 0; height: 100%; background: #1d1f21; color: #e0e0e0; font: 14px system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  #bar { display: flex; align-items: center; gap: 1em; padding: 4px 8px; background: #2d2f31; }
  #status { flex: 1; }
  #status.error { color: #ff8a80; }
  #screen { flex: 1; overflow: hidden; }
</style>
</head>
<body>
<div id="bar"><span id="status">Connecting…</span><button id="cad" type="button" disabled>Send Ctrl-Alt-Del</button></div>
<div id="screen"></div>
<script type="module" src="console.js"></script>
</body>
</html>
`;

/** Runs in the browser. The websocket goes back to the host:port the page came from. */
const script = `import RFB from './core/rfb.js';

const status = document.getElementById('status');
const cad = document.getElementById('cad');
const show = (text, error = false) => { status.textContent = text; status.classList.toggle('error', error); };

const path = (new URLSearchParams(location.search).get('path') || '').replace(/^\\/+/, '');
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
let rfb;
try {
  rfb = new RFB(document.getElementById('screen'), scheme + '://' + location.host + '/' + path, { wsProtocols: ['binary'] });
} catch (err) {
  show('Cannot open the console: ' + err.message, true);
}
if (rfb) {
  rfb.scaleViewport = true;
  rfb.addEventListener('connect', () => { show('Connected'); cad.disabled = false; rfb.focus(); });
  rfb.addEventListener('disconnect', (e) => {
    cad.disabled = true;
    show(e.detail.clean ? 'Disconnected' : 'Connection lost (the console link may have expired: ask for a new one)', !e.detail.clean);
  });
  rfb.addEventListener('credentialsrequired', () => rfb.sendCredentials({ password: prompt('VNC password') || '' }));
  rfb.addEventListener('securityfailure', (e) => show('Security negotiation failed: ' + (e.detail.reason || e.detail.status), true));
  rfb.addEventListener('desktopname', (e) => { document.title = e.detail.name; show('Connected: ' + e.detail.name); });
  cad.addEventListener('click', () => rfb.sendCtrlAltDel());
}
`;

export interface StaticFile { readonly body: string | Buffer; readonly type: string; readonly cache: string }

/** Our own files, by name under /compute/console/. vnc_lite.html is Nova's usual page name. */
const OWN: Record<string, StaticFile> = {
  'vnc.html': { body: page, type: 'text/html; charset=utf-8', cache: 'no-store' },
  'vnc_lite.html': { body: page, type: 'text/html; charset=utf-8', cache: 'no-store' },
  'console.js': { body: script, type: 'text/javascript; charset=utf-8', cache: 'no-cache' },
};

/** noVNC's installed package folder (its `exports` is core/rfb.js). */
const novncRoot = (() => {
  try {
    return dirname(dirname(createRequire(import.meta.url).resolve('@novnc/novnc')));
  } catch {
    return null;
  }
})();

/** Only noVNC's modules: a plain relative path of letters, digits, `_-./`, no `..`, ending in .js. */
const LIBRARY_FILE = /^(core|vendor)\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.js$/;
const cache = new Map<string, StaticFile>();

/** The file served at /compute/console/<name>, or null if there is none. */
export async function consoleFile(name: string): Promise<StaticFile | null> {
  const own = OWN[name];
  if (own) return own;
  if (!LIBRARY_FILE.test(name) || name.split('/').includes('..') || novncRoot === null) return null;
  const hit = cache.get(name);
  if (hit) return hit;
  try {
    const file: StaticFile = { body: await readFile(join(novncRoot, name)), type: 'text/javascript; charset=utf-8', cache: 'public, max-age=3600' };
    cache.set(name, file);
    return file;
  } catch {
    return null;
  }
}

/** The page may run scripts and open websockets only from this server. */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
  + "img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'self'";
