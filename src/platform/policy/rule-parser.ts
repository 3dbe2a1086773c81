// Parses policy rules written in the oslo.policy language OpenStack operators already know:
//   "role:admin or (role:reader and project_id:%(target.project.id)s)", "rule:admin_required",
//   "@" (always), "!" (never), "" (any authenticated caller), "not", "and", "or", parentheses.

export type RuleNode =
  | { kind: 'always' }
  | { kind: 'never' }
  | { kind: 'rule'; name: string }
  | { kind: 'match'; key: string; value: string }
  | { kind: 'not'; node: RuleNode }
  | { kind: 'and'; nodes: RuleNode[] }
  | { kind: 'or'; nodes: RuleNode[] };

export class RuleSyntaxError extends Error {}

function tokenize(text: string): string[] {
  return text.replace(/(?<!%)\(/g, ' ( ').replace(/\)(?!s)/g, ' ) ').split(/\s+/).filter(Boolean);
}

export function parseRule(text: string): RuleNode {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'always' };
  let pos = 0;
  const peek = () => tokens[pos];

  const parseOr = (): RuleNode => {
    const nodes = [parseAnd()];
    while (peek() === 'or') { pos++; nodes.push(parseAnd()); }
    return nodes.length === 1 ? nodes[0]! : { kind: 'or', nodes };
  };
  const parseAnd = (): RuleNode => {
    const nodes = [parseNot()];
    while (peek() === 'and') { pos++; nodes.push(parseNot()); }
    return nodes.length === 1 ? nodes[0]! : { kind: 'and', nodes };
  };
  const parseNot = (): RuleNode => {
    if (peek() === 'not') { pos++; return { kind: 'not', node: parseNot() }; }
    return parseAtom();
  };
  const parseAtom = (): RuleNode => {
    const tok = tokens[pos++];
    if (tok === undefined) throw new RuleSyntaxError(`unexpected end of rule "${text}"`);
    if (tok === '(') {
      const node = parseOr();
      if (tokens[pos++] !== ')') throw new RuleSyntaxError(`missing ")" in rule "${text}"`);
      return node;
    }
    if (tok === '@') return { kind: 'always' };
    if (tok === '!') return { kind: 'never' };
    const colon = tok.indexOf(':');
    if (colon <= 0) throw new RuleSyntaxError(`cannot parse "${tok}" in rule "${text}"`);
    const key = tok.slice(0, colon);
    const value = tok.slice(colon + 1);
    if (key === 'rule') return { kind: 'rule', name: value };
    return { kind: 'match', key, value };
  };

  const node = parseOr();
  if (pos !== tokens.length) throw new RuleSyntaxError(`unexpected "${tokens[pos]}" in rule "${text}"`);
  return node;
}
