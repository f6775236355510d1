export { Session } from './session.js';
export { DEFAULT_TUNING, type SessionTuning } from './host.js';
export type { GatewayDeps, SessionInit, SessionSocket } from './types.js';
