import type { FilterNode } from './ast.js';
import { severityLevel } from './severity.js';

type Compare = Extract<FilterNode, { kind: 'compare' }>;

const TIME_FIELDS = new Set(['timestamp', 'receiveTimestamp']);
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * The values at `path` in `subject`: none when the field is missing; every element when a segment
 * is a list (a comparison on a repeated field matches when any element does).
 */
function resolve(subject: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [subject];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[segment];
      if (child === undefined || child === null) continue;
      if (Array.isArray(child)) next.push(...child);
      else next.push(child);
    }
    current = next;
  }
  return current;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

/** Orders two values: numerically when both are numbers, by time for time fields, else as text. */
function order(path: string, left: unknown, right: string): number | undefined {
  if (path === 'severity') {
    const a = severityLevel(typeof left === 'number' ? left : String(left));
    const b = severityLevel(right);
    return a === undefined || b === undefined ? undefined : a - b;
  }
  if (TIME_FIELDS.has(path)) {
    const a = left instanceof Date ? left.getTime() : Date.parse(String(left));
    const b = Date.parse(right);
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : a - b;
  }
  const text = asText(left);
  if (text === undefined) return undefined;
  if (NUMBER.test(text) && NUMBER.test(right)) return Number(text) - Number(right);
  return text < right ? -1 : text > right ? 1 : 0;
}

/** Whether any string inside `value` (searched through objects and lists) contains `needle`, ignoring case. */
function has(value: unknown, needle: string): boolean {
  const text = asText(value);
  if (text !== undefined) return text.toLowerCase().includes(needle);
  if (value !== null && typeof value === 'object')
    return Object.values(value).some((child) => has(child, needle));
  return false;
}

function matchCall(node: Compare, value: unknown): boolean {
  if (node.value.kind !== 'call') return false;
  const text = asText(value);
  if (text === undefined) return false;
  const [first = ''] = node.value.args;
  switch (node.value.name) {
    case 'one_of':
      return node.value.args.includes(text);
    case 'starts_with':
      return text.startsWith(first);
    case 'ends_with':
      return text.endsWith(first);
    case 'has_substring':
      return text.includes(first);
    default:
      return node.regex?.test(text) ?? false;
  }
}

function matchOne(node: Compare, path: string, value: unknown): boolean {
  const operand = node.value;
  if (operand.kind === 'any') return true;
  if (operand.kind === 'call') return node.op === '=' ? matchCall(node, value) : !matchCall(node, value);
  switch (node.op) {
    case '=~':
    case '!~': {
      const text = asText(value);
      if (text === undefined) return false;
      return node.regex!.test(text) === (node.op === '=~');
    }
    case ':':
      return path === 'severity'
        ? order(path, value, operand.text) === 0
        : has(value, operand.text.toLowerCase());
    default: {
      const cmp = order(path, value, operand.text);
      if (cmp === undefined) return false;
      if (node.op === '=') return cmp === 0;
      if (node.op === '!=') return cmp !== 0;
      if (node.op === '<') return cmp < 0;
      if (node.op === '<=') return cmp <= 0;
      if (node.op === '>') return cmp > 0;
      return cmp >= 0;
    }
  }
}

/**
 * Whether `subject` (a log entry or a time series as a plain object) matches the filter. A
 * comparison on a missing field is false, whatever the operator; `NOT` of it is true.
 */
export function evaluateFilter(node: FilterNode, subject: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => evaluateFilter(child, subject));
    case 'or':
      return node.children.some((child) => evaluateFilter(child, subject));
    case 'not':
      return !evaluateFilter(node.child, subject);
    case 'compare': {
      const path = node.field.join('.');
      return resolve(subject, node.field).some((value) => matchOne(node, path, value));
    }
  }
}
