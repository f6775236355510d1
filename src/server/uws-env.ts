/**
 * Settings uWS reads from the environment once, when its native module loads: import this module before
 * 'uWebSockets.js'. uWS answers requests whose headers exceed UWS_HTTP_MAX_HEADERS_SIZE (default 4 KiB)
 * itself, before any handler runs: `431` with `Connection: close` and a one-line HTML body. The verifier
 * refuses tokens over 16 KiB (MAX_TOKEN_CHARS); headers may be four times that, so every oversized token
 * up to about 64 KiB reaches auth and gets our JSON `unauthenticated` answer. Beyond 64 KiB of request
 * line and headers uWS's own 431 remains. The cost is bounded: uWS buffers at most this much per
 * connection whose headers are incomplete, and drops such a connection after its 10 s HTTP timeout.
 */
export const MAX_HEADERS_BYTES = 64 * 1024;

process.env['UWS_HTTP_MAX_HEADERS_SIZE'] ??= String(MAX_HEADERS_BYTES);
