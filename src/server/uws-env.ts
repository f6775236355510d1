/**
 * Settings uWS reads from the environment once, when its native module loads: import this module before
 * 'uWebSockets.js'. uWS answers requests whose headers exceed UWS_HTTP_MAX_HEADERS_SIZE (default 4 KiB)
 * itself, with a 431 HTML page, before any handler runs; a bearer token of a few KiB (RS256 with many
 * claims) would never reach the JSON errors of auth. With 16 KiB such requests get our JSON answers;
 * beyond it uWS's own 431 remains (an operator may set the variable higher).
 */
export const MAX_HEADERS_BYTES = 16 * 1024;

process.env['UWS_HTTP_MAX_HEADERS_SIZE'] ??= String(MAX_HEADERS_BYTES);
