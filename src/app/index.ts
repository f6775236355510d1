/** The composition root: builds a gateway process's dependencies and wires the transports over them. */
export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export { openRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
