import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The directory holding speechgate's package.json. Compiled code runs from dist/ (or a scratch
 * build folder), so asset paths are resolved from the package root rather than from the module.
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) break;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('speechgate: cannot locate the package root (package.json + models/)');
    dir = parent;
  }
  cachedRoot = resolve(dir);
  return cachedRoot;
}

export function fromRoot(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
