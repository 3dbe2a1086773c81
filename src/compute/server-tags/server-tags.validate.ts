// Server tags as Nova's schema (parameter_types.tag/tags) accepts them: strings of 1–60
// characters without '/' or ',' (they separate tags in the servers list filters), at most 50
// per server. Server create (2.52+, `tags` in the body) reuses validateTags.
import { badRequest } from '../../platform/errors.js';

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 60;

const shown = (v: unknown): string => {
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

/** Why a tag is not valid, or undefined when it is. */
export function tagProblem(tag: unknown): string | undefined {
  if (typeof tag !== 'string') return `${shown(tag)} is not of type 'string'`;
  if (tag.length < 1) return `'' is too short`;
  if (tag.length > MAX_TAG_LENGTH) return `${shown(tag)} is longer than ${MAX_TAG_LENGTH} characters`;
  if (/[,/]/.test(tag)) return `${shown(tag)} contains '/' or ','`;
  return undefined;
}

/** The tags without repeats (Nova stores a set), or a 400 naming the field and the bad tag. */
export function validateTags(value: unknown, field = 'tags'): string[] {
  if (!Array.isArray(value)) throw badRequest(`Invalid input for field/attribute ${field}. Value: ${shown(value)}. It is not of type 'array'`);
  if (value.length > MAX_TAGS) throw badRequest(`Invalid input for field/attribute ${field}. It has ${value.length} items, more than the ${MAX_TAGS} allowed`);
  value.forEach((tag, i) => {
    const problem = tagProblem(tag);
    if (problem) throw badRequest(`Invalid input for field/attribute ${field}[${i}]. ${problem}`);
  });
  return [...new Set(value as string[])];
}
