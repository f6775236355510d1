/**
 * Static files of the demo page. Only regular files inside the root are served: no `..`, no hidden
 * files, no symlinks pointing out of the root.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names under `root`, or undefined when the path is malformed or leaves the root.
 * Purely lexical; `loadStaticFile` adds the checks that need the file system.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  // '.' and '..' start with a dot too: one rule refuses traversal and hidden files alike.
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  const base = resolve(root);
  const full = resolve(base, ...segments);
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  return decoded.endsWith('/') || segments.length === 0 ? join(full, 'index.html') : full;
}

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** Reads the file for a URL path, or undefined (→ 404) if there is no such servable file. */
export async function loadStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let path = resolveStaticPath(root, urlPath);
  if (path === undefined) return undefined;
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path)]);
    if (!realFile.startsWith(realRoot + sep)) return undefined;
    if (!(await stat(realFile)).isFile()) return undefined;
    return { body: await readFile(realFile), contentType: contentTypeFor(realFile) };
  } catch {
    return undefined;
  }
}
