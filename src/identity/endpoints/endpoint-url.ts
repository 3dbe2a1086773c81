// Endpoint URLs may hold substitutions filled in per token (`$(project_id)s`), as Keystone
// allows; anything else with a `%` would break Keystone's formatting and is refused up front.
const ALLOWED = new Set(['tenant_id', 'project_id', 'user_id', 'compute_host', 'public_endpoint']);
const SUBSTITUTION = /^%\(([^)]*)\)[#0 +-]*\d*(?:\.\d+)?[sra]/;

/** True if every `$(name)s` / `%(name)s` in the URL names an allowed property and no stray `%` remains. */
export function isValidEndpointUrl(url: string): boolean {
  const s = url.replaceAll('$(', '%(');
  for (let i = s.indexOf('%'); i !== -1; i = s.indexOf('%', i)) {
    if (s[i + 1] === '%') { i += 2; continue; }
    const m = SUBSTITUTION.exec(s.slice(i));
    if (!m || !ALLOWED.has(m[1]!)) return false;
    i += m[0].length;
  }
  return true;
}
