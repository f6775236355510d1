import { variable } from './variables.js';

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);
const MAX_ECHO = 40;

/**
 * Typed access to the environment that collects every problem instead of stopping at the first,
 * so an operator fixes a broken deployment in one round. Values of secret variables are never
 * echoed back.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The trimmed value, or undefined when unset or empty (compose files often write `FOO=`). */
  raw(name: string): string | undefined {
    variable(name);
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  problem(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`);
  }

  /** A problem about the value that was given, quoting it unless the variable is secret. */
  badValue(name: string, message: string): void {
    const value = this.raw(name) ?? '';
    if (variable(name).secret) return this.problem(name, message);
    const shown = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}...` : value;
    this.problem(name, `${message} (got ${JSON.stringify(shown)})`);
  }

  int(name: string): number {
    const range = variable(name).int;
    if (!range) throw new Error(`config: ${name} is not declared as an integer`);
    const value = this.raw(name);
    if (value === undefined) return range.default;
    const parsed = /^[+]?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < range.min || parsed > range.max) {
      this.badValue(name, `must be an integer from ${range.min} to ${range.max}`);
      return range.default;
    }
    return parsed;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = allowed.find((candidate) => candidate === value.toLowerCase());
    if (match === undefined) {
      this.badValue(name, `must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return match;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    this.badValue(name, 'must be true or false (also accepted: 1/0, yes/no, on/off)');
    return fallback;
  }
}
