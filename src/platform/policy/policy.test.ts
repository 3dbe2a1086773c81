import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthContext } from '../auth-context.js';
import { ApiError } from '../errors.js';
import { Policy, type PolicyRules } from './policy.js';
import { parseRule, RuleSyntaxError, type RuleNode } from './rule-parser.js';

const role = (value: string): RuleNode => ({ kind: 'match', key: 'role', value });
const rule = (name: string): RuleNode => ({ kind: 'rule', name });

describe('parseRule', () => {
  it('parses "" (and blanks) as always', () => {
    assert.deepEqual(parseRule(''), { kind: 'always' });
    assert.deepEqual(parseRule('   '), { kind: 'always' });
  });

  it('parses "@" as always and "!" as never', () => {
    assert.deepEqual(parseRule('@'), { kind: 'always' });
    assert.deepEqual(parseRule('!'), { kind: 'never' });
  });

  it('parses role:admin as a match on role', () => {
    assert.deepEqual(parseRule('role:admin'), role('admin'));
  });

  it('parses rule:x as a reference to another rule', () => {
    assert.deepEqual(parseRule('rule:admin_required'), rule('admin_required'));
  });

  it('parses not, also stacked', () => {
    assert.deepEqual(parseRule('not role:admin'), { kind: 'not', node: role('admin') });
    assert.deepEqual(parseRule('not not @'), { kind: 'not', node: { kind: 'not', node: { kind: 'always' } } });
  });

  it('gives "and" precedence over "or"', () => {
    assert.deepEqual(parseRule('role:a or role:b and role:c'), {
      kind: 'or', nodes: [role('a'), { kind: 'and', nodes: [role('b'), role('c')] }],
    });
    assert.deepEqual(parseRule('role:a and role:b or role:c'), {
      kind: 'or', nodes: [{ kind: 'and', nodes: [role('a'), role('b')] }, role('c')],
    });
  });

  it('gives "not" precedence over "and"', () => {
    assert.deepEqual(parseRule('not role:a and role:b'), {
      kind: 'and', nodes: [{ kind: 'not', node: role('a') }, role('b')],
    });
  });

  it('flattens chains of the same operator', () => {
    assert.deepEqual(parseRule('role:a or role:b or role:c'), { kind: 'or', nodes: [role('a'), role('b'), role('c')] });
    assert.deepEqual(parseRule('role:a and role:b and role:c'), { kind: 'and', nodes: [role('a'), role('b'), role('c')] });
  });

  it('lets parentheses override precedence, with or without spaces', () => {
    const expected: RuleNode = { kind: 'and', nodes: [{ kind: 'or', nodes: [role('a'), role('b')] }, role('c')] };
    assert.deepEqual(parseRule('(role:a or role:b) and role:c'), expected);
    assert.deepEqual(parseRule('( role:a or role:b ) and role:c'), expected);
    assert.deepEqual(parseRule('((role:a or role:b)) and (role:c)'), expected);
    assert.deepEqual(parseRule('not (role:a or role:b)'), { kind: 'not', node: { kind: 'or', nodes: [role('a'), role('b')] } });
  });

  it('keeps %(…)s templates whole, also inside parentheses', () => {
    const m: RuleNode = { kind: 'match', key: 'project_id', value: '%(target.project.id)s' };
    assert.deepEqual(parseRule('project_id:%(target.project.id)s'), m);
    assert.deepEqual(parseRule('(project_id:%(target.project.id)s)'), m);
    assert.deepEqual(parseRule('role:admin or (role:reader and project_id:%(target.project.id)s)'), {
      kind: 'or', nodes: [role('admin'), { kind: 'and', nodes: [role('reader'), m] }],
    });
  });

  it("parses a quoted literal on the left: 'literal':%(target.x)s", () => {
    assert.deepEqual(parseRule("'member':%(target.x)s"), { kind: 'match', key: "'member'", value: '%(target.x)s' });
  });

  it('keeps everything after the first colon as the value', () => {
    assert.deepEqual(parseRule('user_id:a:b'), { kind: 'match', key: 'user_id', value: 'a:b' });
  });

  it('parses the kind of rule OpenStack ships', () => {
    const text = '(role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s) ' +
      'or rule:owner';
    assert.deepEqual(parseRule(text), {
      kind: 'or',
      nodes: [
        { kind: 'and', nodes: [role('reader'), { kind: 'match', key: 'system_scope', value: 'all' }] },
        { kind: 'and', nodes: [role('reader'), { kind: 'match', key: 'domain_id', value: '%(target.domain_id)s' }] },
        rule('owner'),
      ],
    });
  });

  describe('throws RuleSyntaxError for', () => {
    const bad = [
      'role:a or', // operator without right operand
      'or role:a', // operator without left operand
      'and',
      'not', // not without operand
      'role:a and and role:b',
      '(role:a', // unclosed
      'role:a)', // unopened
      '()', // empty group
      'role:a role:b', // two checks without operator
      'admin', // no colon
      ':admin', // no key
      '(role:a) (role:b)',
    ];
    for (const text of bad) {
      it(JSON.stringify(text), () => {
        assert.throws(() => parseRule(text), RuleSyntaxError);
      });
    }
  });

  it('RuleSyntaxError is an Error whose message names the rule', () => {
    try {
      parseRule('role:a or');
      assert.fail('should have thrown');
    } catch (err) {
      assert.ok(err instanceof RuleSyntaxError);
      assert.ok(err instanceof Error);
      assert.match((err as Error).message, /role:a or/);
    }
  });
});

function auth(over: Partial<AuthContext> = {}): AuthContext {
  return {
    userId: 'u1',
    userName: 'alice',
    userDomainId: 'd1',
    projectId: 'p1',
    projectName: 'demo',
    projectDomainId: 'd1',
    system: false,
    roles: ['member', 'reader'],
    methods: ['password'],
    ...over,
  };
}

describe('Policy', () => {
  const defaults: PolicyRules = {
    admin_required: 'role:admin',
    owner: 'user_id:%(target.user_id)s',
    project_member: 'role:member and project_id:%(target.project.id)s',
    'svc:always': '',
    'svc:at': '@',
    'svc:never': '!',
    'svc:admin': 'rule:admin_required',
    'svc:not_admin': 'not rule:admin_required',
    'svc:get': 'rule:admin_required or rule:project_member',
    'svc:owner': 'rule:owner',
    'svc:system_reader': 'role:reader and system_scope:all',
    'svc:domain': 'domain_id:%(target.domain_id)s',
    'svc:user_domain': 'user_domain_id:d1',
    'svc:literal': "'admin':%(target.kind)s",
    'svc:role_from_target': 'role:%(target.required_role)s',
    'svc:missing_rule': 'rule:does_not_exist',
    'svc:is_admin': 'is_admin:True',
    'svc:precedence': 'role:nobody and role:member or role:reader',
  };
  const policy = new Policy(defaults);

  it('"", "@" allow anyone; "!" allows nobody', () => {
    const nobody = auth({ roles: [] });
    assert.equal(policy.allows(nobody, 'svc:always'), true);
    assert.equal(policy.allows(nobody, 'svc:at'), true);
    assert.equal(policy.allows(auth({ roles: ['admin'] }), 'svc:never'), false);
  });

  it('matches roles, case-insensitively, through rule references', () => {
    assert.equal(policy.allows(auth({ roles: ['admin'] }), 'svc:admin'), true);
    assert.equal(policy.allows(auth({ roles: ['Admin'] }), 'svc:admin'), true);
    assert.equal(policy.allows(auth(), 'svc:admin'), false);
    assert.equal(policy.allows(auth(), 'svc:not_admin'), true);
    assert.equal(policy.allows(auth({ roles: ['admin'] }), 'svc:not_admin'), false);
  });

  it('compares caller attributes with the target through templates', () => {
    const mine = { project: { id: 'p1' } };
    const theirs = { project: { id: 'p2' } };
    assert.equal(policy.allows(auth(), 'svc:get', mine), true);
    assert.equal(policy.allows(auth(), 'svc:get', theirs), false);
    assert.equal(policy.allows(auth({ roles: ['admin'] }), 'svc:get', theirs), true);
    assert.equal(policy.allows(auth({ roles: ['reader'] }), 'svc:get', mine), false);
    assert.equal(policy.allows(auth(), 'svc:owner', { user_id: 'u1' }), true);
    assert.equal(policy.allows(auth(), 'svc:owner', { user_id: 'u2' }), false);
  });

  it('accepts a target with or without the leading "target." level', () => {
    assert.equal(policy.allows(auth(), 'svc:get', { target: { project: { id: 'p1' } } }), true);
    assert.equal(policy.allows(auth(), 'svc:get', { target: { project: { id: 'p2' } } }), false);
  });

  it('knows the scope of the token: system_scope, domain_id, user_domain_id', () => {
    assert.equal(policy.allows(auth({ system: true, projectId: undefined }), 'svc:system_reader'), true);
    assert.equal(policy.allows(auth(), 'svc:system_reader'), false);
    const domainScoped = auth({ projectId: undefined, projectDomainId: undefined, domainId: 'd9' });
    assert.equal(policy.allows(domainScoped, 'svc:domain', { domain_id: 'd9' }), true);
    assert.equal(policy.allows(domainScoped, 'svc:domain', { domain_id: 'd1' }), false);
    assert.equal(policy.allows(auth(), 'svc:domain', { domain_id: 'd1' }), false, 'a project token has no domain_id');
    assert.equal(policy.allows(auth(), 'svc:user_domain'), true);
    assert.equal(policy.allows(auth({ userDomainId: 'd2' }), 'svc:user_domain'), false);
  });

  it("matches a quoted literal against the target: 'admin':%(target.kind)s", () => {
    assert.equal(policy.allows(auth(), 'svc:literal', { kind: 'admin' }), true);
    assert.equal(policy.allows(auth(), 'svc:literal', { kind: 'user' }), false);
    assert.equal(policy.allows(auth(), 'svc:literal', {}), false);
  });

  it('takes the value of a role check from the target', () => {
    assert.equal(policy.allows(auth(), 'svc:role_from_target', { required_role: 'member' }), true);
    assert.equal(policy.allows(auth(), 'svc:role_from_target', { required_role: 'admin' }), false);
  });

  it('compares target values as strings', () => {
    const p = new Policy({ a: 'user_id:%(target.n)s' });
    assert.equal(p.allows(auth({ userId: '42' }), 'a', { n: 42 }), true);
  });

  it('never matches an undefined or null target value, even for a caller attribute that is unset', () => {
    // A project-scoped token has no domainId: a missing target.domain_id must not equal it.
    assert.equal(policy.allows(auth(), 'svc:domain', {}), false);
    assert.equal(policy.allows(auth(), 'svc:domain', { domain_id: undefined }), false);
    assert.equal(policy.allows(auth(), 'svc:domain', { domain_id: null }), false);
    assert.equal(policy.allows(auth(), 'svc:owner', {}), false);
    assert.equal(policy.allows(auth(), 'svc:owner'), false);
    assert.equal(policy.allows(auth(), 'svc:get', { project: null }), false);
    assert.equal(policy.allows(auth(), 'svc:get', { project: 'p1' }), false, 'a path through a non-object');
    assert.equal(policy.allows(auth(), 'svc:role_from_target', {}), false);
    const p = new Policy({ a: 'project_id:%(target.project_id)s', b: 'user_id:%(target.x)s' });
    const unscoped = auth({ projectId: undefined, projectDomainId: undefined });
    assert.equal(p.allows(unscoped, 'a', {}), false);
    assert.equal(p.allows(unscoped, 'a', { project_id: undefined }), false);
    assert.equal(p.allows(unscoped, 'b', { x: undefined }), false);
  });

  it('never matches a credential the caller does not have (is_admin, unknown keys)', () => {
    assert.equal(policy.allows(auth({ roles: ['admin'] }), 'svc:is_admin'), false);
    const p = new Policy({ a: 'no_such_attribute:%(target.x)s' });
    assert.equal(p.allows(auth(), 'a', { x: 'anything' }), false);
  });

  it('evaluates "and" before "or"', () => {
    // role:nobody and role:member or role:reader == (false and true) or true
    assert.equal(policy.allows(auth({ roles: ['reader'] }), 'svc:precedence'), true);
    assert.equal(policy.allows(auth({ roles: ['member'] }), 'svc:precedence'), false);
  });

  it('denies unknown actions, even to admins, and a reference to a missing rule', () => {
    assert.equal(policy.allows(auth({ roles: ['admin'] }), 'svc:no_such_action'), false);
    assert.equal(policy.allows(auth({ roles: ['admin'] }), 'svc:missing_rule'), false);
  });

  it('overrides replace defaults and can add rules', () => {
    const p = new Policy(defaults, { admin_required: 'role:operator', 'svc:new': 'role:member', 'svc:at': '!' });
    assert.equal(p.allows(auth({ roles: ['admin'] }), 'svc:admin'), false);
    assert.equal(p.allows(auth({ roles: ['operator'] }), 'svc:admin'), true);
    assert.equal(p.allows(auth(), 'svc:new'), true);
    assert.equal(p.allows(auth(), 'svc:at'), false);
    assert.equal(p.allows(auth(), 'svc:always'), true, 'rules not overridden keep their default');
    assert.ok(p.rules().includes('svc:new'));
    // The defaults object itself is untouched.
    assert.equal(defaults.admin_required, 'role:admin');
  });

  it('rejects a rule with bad syntax when the policy is built', () => {
    assert.throws(() => new Policy({ a: 'role:admin or' }), RuleSyntaxError);
    assert.throws(() => new Policy(defaults, { 'svc:get': '(role:admin' }), RuleSyntaxError);
  });

  it('lists its rules', () => {
    assert.deepEqual(new Set(policy.rules()), new Set(Object.keys(defaults)));
  });

  describe('self-referencing rules terminate', () => {
    it('a rule that refers to itself is denied', () => {
      const p = new Policy({ loop: 'rule:loop' });
      assert.equal(p.allows(auth({ roles: ['admin'] }), 'loop'), false);
    });

    it('a cycle through other rules is denied; the other branch still counts', () => {
      const p = new Policy({
        a: 'rule:b',
        b: 'rule:c',
        c: 'rule:a',
        d: 'rule:a or role:admin',
        e: 'rule:e or role:admin',
        f: 'not rule:f',
      });
      assert.equal(p.allows(auth({ roles: ['admin'] }), 'a'), false);
      assert.equal(p.allows(auth({ roles: ['admin'] }), 'd'), true);
      assert.equal(p.allows(auth(), 'd'), false);
      assert.equal(p.allows(auth({ roles: ['admin'] }), 'e'), true);
      assert.equal(p.allows(auth(), 'e'), false);
      assert.equal(typeof p.allows(auth(), 'f'), 'boolean');
    });

    it('a rule that refers to itself several times (no exponential blow-up)', () => {
      // Each evaluation of `a` would evaluate `a` three more times: without cycle detection
      // that is 3^depth evaluations, i.e. it never finishes.
      const p = new Policy({ a: 'rule:a or rule:a or rule:a', b: 'rule:a and rule:a or rule:b or role:x' });
      assert.equal(p.allows(auth(), 'a'), false);
      assert.equal(p.allows(auth({ roles: ['x'] }), 'b'), true);
    });

    it('a deep chain of shared rules', () => {
      // r0 refers to r1 twice, r1 to r2 twice, …: 2^40 paths, each rule evaluated once.
      const rules: PolicyRules = { r40: 'role:member' };
      for (let i = 0; i < 40; i++) rules[`r${i}`] = `(rule:r${i + 1} and role:nobody) or rule:r${i + 1}`;
      const p = new Policy(rules);
      assert.equal(p.allows(auth(), 'r0'), true);
      assert.equal(p.allows(auth({ roles: [] }), 'r0'), false);
    });

    it('a rule may be used twice in one check without being taken for a cycle', () => {
      const p = new Policy({ admin: 'role:admin', both: 'rule:admin and rule:admin', either: 'rule:admin or rule:admin' });
      assert.equal(p.allows(auth({ roles: ['admin'] }), 'both'), true);
      assert.equal(p.allows(auth({ roles: ['admin'] }), 'either'), true);
    });
  });

  describe('enforce', () => {
    it('returns quietly when allowed', () => {
      policy.enforce(auth({ roles: ['admin'] }), 'svc:admin');
      policy.enforce(auth(), 'svc:get', { project: { id: 'p1' } });
    });

    it('throws a 403 ApiError naming the action when denied', () => {
      assert.throws(() => policy.enforce(auth(), 'svc:admin'), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.status, 403);
        assert.match(err.message, /svc:admin/);
        return true;
      });
      assert.throws(() => policy.enforce(auth(), 'svc:get', { project: { id: 'p2' } }), ApiError);
      assert.throws(() => policy.enforce(auth({ roles: ['admin'] }), 'svc:unknown'), ApiError);
    });
  });
});
