/**
 * Concurrency caps (connections, contexts per tenant) as leases.
 *
 * This replica always knows the leases it holds (in memory). With Redis, each lease is also a
 * member of the tenant's sorted set, scored by an expiry `leaseMs` ahead; the gate's tick renews the
 * held ones, so a crashed replica's slots come back within one lease period, and nothing needs
 * a counter that must be decremented exactly once.
 *
 * Redis unreachable, slow or hung (policy: fail open to the per-replica cap): the decision is taken
 * from this replica's own held leases against the full cap, so a tenant is never locked out by an
 * outage and never unlimited, at worst (replicas x cap) for the outage plus one tick. When Redis
 * answers again, reconciliation runs before Redis decides anything: held leases are registered
 * again (even above the cap: they are in use, and new acquires wait until the count drops), and
 * leases released meanwhile are removed. So with Redis restarted from its data the caps are exact
 * after that pass (other replicas' stale leases expire within one lease period), and restarted
 * empty the cap is never doubled: the replica's leases are back before its first Redis decision.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SpeechgateError } from '../errors.js';
import { acquireScript, reconcileScript, releaseLease } from './lease-scripts.js';
import { RedisDownError, type RedisGate } from './redis-gate.js';
import type { Lease, LimitName } from './types.js';

/** A freed slot can show up at any moment, so a short fixed hint is the honest answer. */
export const CONCURRENCY_RETRY_AFTER_SECONDS = 1;

/** Bound on ids remembered for removal while Redis is away; beyond it they simply expire. */
const MAX_FORGET = 10_000;

export interface SharedLeases {
  client: Redis;
  gate: RedisGate;
  leaseMs: number;
}

export interface LeaseLimiterOptions {
  name: Extract<LimitName, 'connections' | 'contexts'>;
  code: 'too_many_connections' | 'too_many_contexts';
  max: number;
  keyPrefix: string;
  shared?: SharedLeases;
  onReject?: (limit: LimitName) => void;
  onRedisError?: (limit: LimitName, err: unknown) => void;
}

type Call = <T>(work: () => Promise<T>) => Promise<T>;

export class LeaseLimiter {
  /** tenant -> lease id -> registered in Redis (as far as this replica knows). */
  private readonly held = new Map<string, Map<string, boolean>>();
  /** tenant -> ids to remove from Redis at the next reconciliation. */
  private readonly forget = new Map<string, Set<string>>();
  private forgetCount = 0;
  private seq = 0;
  private readonly replicaId = randomBytes(6).toString('hex');

  constructor(private readonly options: LeaseLimiterOptions) {}

  /** Leases this replica holds for a tenant. */
  heldBy(tenant: string): number {
    return this.held.get(tenant)?.size ?? 0;
  }

  async acquire(tenant: string): Promise<Lease> {
    const shared = this.options.shared;
    if (shared !== undefined) {
      if (shared.gate.up) {
        const id = this.nextId();
        let granted: boolean | undefined;
        try {
          granted = await shared.gate.call(() =>
            acquireScript(shared.client, this.key(tenant), id, this.options.max, shared.leaseMs),
          );
        } catch (err) {
          // The script may still run later (a hung server resumes): make sure it is undone.
          this.remember(tenant, id);
          this.report(err);
        }
        if (granted === true) return this.hold(tenant, id, true);
        if (granted === false) return this.reject();
      } else {
        this.report(new RedisDownError(shared.client.status));
      }
    }
    if (this.heldBy(tenant) >= this.options.max) return this.reject();
    // A new id: one whose script timed out is to be removed from Redis, not kept.
    return this.hold(tenant, this.nextId(), false);
  }

  private nextId(): string {
    return `${this.replicaId}:${(++this.seq).toString(36)}`;
  }

  /** Registers held leases and removes forgotten ones, in a few passes if leases change meanwhile. */
  async reconcile(call: Call): Promise<void> {
    const shared = this.options.shared;
    if (shared === undefined) return;
    for (let pass = 0; pass < 3; pass++) {
      const tenants = new Set([...this.held.keys(), ...this.forget.keys()]);
      await Promise.all(
        [...tenants].map(async (tenant) => {
          const held = [...(this.held.get(tenant)?.keys() ?? [])];
          const forget = [...(this.forget.get(tenant) ?? [])];
          await call(() => reconcileScript(shared.client, this.key(tenant), shared.leaseMs, held, forget));
          const now = this.held.get(tenant);
          for (const id of held) if (now?.has(id) === true) now.set(id, true);
          const pending = this.forget.get(tenant);
          for (const id of forget) if (pending?.delete(id) === true) this.forgetCount--;
          if (pending?.size === 0) this.forget.delete(tenant);
        }),
      );
      if (!this.changedLocally()) return;
    }
  }

  private changedLocally(): boolean {
    if (this.forgetCount > 0) return true;
    for (const leases of this.held.values())
      for (const registered of leases.values()) if (!registered) return true;
    return false;
  }

  private hold(tenant: string, id: string, registered: boolean): Lease {
    let leases = this.held.get(tenant);
    if (leases === undefined) this.held.set(tenant, (leases = new Map<string, boolean>()));
    leases.set(id, registered);
    let released: Promise<void> | undefined;
    return { release: () => (released ??= this.release(tenant, id)) };
  }

  private async release(tenant: string, id: string): Promise<void> {
    const leases = this.held.get(tenant);
    if (leases?.delete(id) !== true) return;
    if (leases.size === 0) this.held.delete(tenant);
    const shared = this.options.shared;
    if (shared === undefined) return;
    // Removed even when never registered: a reconciliation in flight may be registering it.
    if (shared.gate.up) {
      try {
        await shared.gate.call(() => releaseLease(shared.client, this.key(tenant), id));
        return;
      } catch (err) {
        this.report(err);
      }
    }
    this.remember(tenant, id);
  }

  private remember(tenant: string, id: string): void {
    if (this.forgetCount >= MAX_FORGET) return; // expires on its own within one lease period
    let ids = this.forget.get(tenant);
    if (ids === undefined) this.forget.set(tenant, (ids = new Set()));
    if (!ids.has(id)) {
      ids.add(id);
      this.forgetCount++;
    }
  }

  private report(err: unknown): void {
    this.options.onRedisError?.(this.options.name, err);
  }

  private reject(): never {
    this.options.onReject?.(this.options.name);
    throw new SpeechgateError(this.options.code, `${this.options.name} limit reached`, {
      retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
    });
  }

  private key(tenant: string): string {
    return `${this.options.keyPrefix}:${tenant}`;
  }
}
