/**
 * `@speechgate/client/protocol`: the speechgate.v1 wire contract alone (message types, validation, the
 * audio frame codec), without the client. The gateway builds on it; so can other tools.
 */
export * from './protocol.js';
export * from './frame.js';
export * from './validate.js';
