import { forbidden } from '../errors.js';
import type { AuthContext } from '../auth-context.js';
import { parseRule, type RuleNode } from './rule-parser.js';

export type PolicyRules = Record<string, string>;
export type PolicyTarget = Record<string, unknown>;

/** What a rule's left-hand side can name about the caller. */
function credentials(auth: AuthContext): Record<string, string | undefined> {
  return {
    user_id: auth.userId,
    project_id: auth.projectId,
    domain_id: auth.domainId,
    user_domain_id: auth.userDomainId,
    project_domain_id: auth.projectDomainId,
    system_scope: auth.system ? 'all' : undefined,
    is_admin: undefined,
  };
}

/** Walks "target.project.id" (the leading "target." is optional) through the target object. */
function resolve(target: PolicyTarget, path: string): unknown {
  const parts = path.split('.');
  if (parts[0] === 'target' && !('target' in target)) parts.shift();
  let cur: unknown = target;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const template = /^%\((.+)\)s$/;

/** The state of one check: who asks, about what, and which named rules are being evaluated. */
interface Evaluation {
  readonly auth: AuthContext;
  readonly creds: Record<string, string | undefined>;
  readonly target: PolicyTarget;
  /** Named rules on the current path (to cut cycles). */
  readonly active: Set<string>;
  /** Results of named rules already evaluated in this check. */
  readonly done: Map<string, boolean>;
}

/**
 * One policy for every service: each API operation names a rule (`identity:get_project`), the
 * defaults come from the services and an operator's file overrides any of them.
 */
export class Policy {
  private readonly parsed = new Map<string, RuleNode>();

  constructor(defaults: PolicyRules, overrides: PolicyRules = {}) {
    for (const [name, text] of Object.entries({ ...defaults, ...overrides })) {
      this.parsed.set(name, parseRule(text));
    }
  }

  /** True if the caller may perform `action` on `target`. Unknown actions are denied. */
  allows(auth: AuthContext, action: string, target: PolicyTarget = {}): boolean {
    const node = this.parsed.get(action);
    if (!node) return false;
    return this.evaluate(node, { auth, creds: credentials(auth), target, active: new Set([action]), done: new Map() });
  }

  /** Throws the 403 every service maps to its error body. */
  enforce(auth: AuthContext, action: string, target: PolicyTarget = {}): void {
    if (!this.allows(auth, action, target)) {
      throw forbidden(`You are not authorized to perform the requested action: ${action}.`);
    }
  }

  rules(): string[] {
    return [...this.parsed.keys()];
  }

  private evaluate(node: RuleNode, ctx: Evaluation): boolean {
    switch (node.kind) {
      case 'always': return true;
      case 'never': return false;
      case 'not': return !this.evaluate(node.node, ctx);
      case 'and': return node.nodes.every((n) => this.evaluate(n, ctx));
      case 'or': return node.nodes.some((n) => this.evaluate(n, ctx));
      case 'rule': {
        const ref = this.parsed.get(node.name);
        if (!ref) return false;
        // A rule that refers back to itself (directly or through others) is false at the point
        // where it loops; each named rule is evaluated once per check, so no policy can make a
        // check take exponential time.
        if (ctx.active.has(node.name)) return false;
        const known = ctx.done.get(node.name);
        if (known !== undefined) return known;
        ctx.active.add(node.name);
        const result = this.evaluate(ref, ctx);
        ctx.active.delete(node.name);
        ctx.done.set(node.name, result);
        return result;
      }
      case 'match': {
        const m = template.exec(node.value);
        const expected = m ? resolve(ctx.target, m[1]!) : node.value;
        if (expected === undefined || expected === null) return false;
        const want = String(expected);
        if (node.key === 'role') return ctx.auth.roles.some((r) => r.toLowerCase() === want.toLowerCase());
        const literal = /^'(.*)'$/.exec(node.key);
        if (literal) return literal[1] === want;
        const have = ctx.creds[node.key];
        return have !== undefined && have === want;
      }
    }
  }
}
