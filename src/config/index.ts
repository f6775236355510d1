export type * from './types.js';
export { DEVICES } from './types.js';
export { loadConfig, ConfigError } from './load.js';
export { configHelp } from './help.js';
export { describeConfig } from './describe.js';
export { unknownVariables } from './variables.js';
