import { VARIABLES, type Variable } from './variables.js';

const NAME_WIDTH = 40;

/** The `--help` section on configuration: every variable with its meaning and default. */
export function configHelp(): string {
  const lines = ['Configuration (environment variables):'];
  let group = '';
  for (const v of VARIABLES) {
    if (v.group !== group) {
      group = v.group;
      lines.push('', `  ${group}`);
    }
    lines.push(`    ${v.name.padEnd(NAME_WIDTH)} ${v.help}`);
    lines.push(`    ${''.padEnd(NAME_WIDTH)} default: ${defaultOf(v)}`);
  }
  return lines.join('\n') + '\n';
}

function defaultOf(v: Variable): string {
  if (v.defaultText !== undefined) return v.defaultText;
  if (!v.int) return 'unset';
  return `${v.int.default}${humanBytes(v.name, v.int.default)} (range ${v.int.min}..${v.int.max})`;
}

function humanBytes(name: string, n: number): string {
  if (!name.endsWith('_BYTES') || n < 1024) return '';
  return n % (1024 * 1024) === 0 ? ` = ${n / (1024 * 1024)} MiB` : ` = ${n / 1024} KiB`;
}
