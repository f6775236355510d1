import * as ort from 'onnxruntime-node';
import { SpeechgateError } from '../errors.js';

import type { Device } from '../config/types.js';

export type { Device };

export interface SessionOptions {
  device: Device;
  /** Intra-op threads for CPU inference (one stream's work); concurrency comes from parallel streams. */
  threads: number;
  /**
   * onnxruntime's CPU memory arena (default off). The arena keeps every block it ever grew to for reuse, so
   * one long input's peak stayed resident for the life of the process; with inputs of every length, the
   * allocator's own reuse costs little (see scripts/memory-probe.ts).
   */
  memArena?: boolean;
  /**
   * Whether idle intra-op threads spin waiting for work (default off; onnxruntime's own default is on). Only
   * matters with threads > 1: with 2 threads on the 2-core dev machine, spinning doubled the vocoder's CPU per
   * audio second (117 vs 62 ms, npm run bench:cost) for the same wall time, CPU that other streams need.
   */
  spinning?: boolean;
  /** Graph optimisation level (default 'all'). */
  graphLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/**
 * Opens an ONNX session on the configured device. The chosen provider is used alone: silently falling back
 * to the CPU would hide a broken GPU set-up behind a slow service.
 */
export async function createSession(
  model: Uint8Array,
  options: SessionOptions,
): Promise<ort.InferenceSession> {
  const supported = ort.listSupportedBackends().map((b) => b.name);
  if (!supported.includes(options.device)) {
    throw new SpeechgateError(
      'device_unavailable',
      `execution provider "${options.device}" is not available in this onnxruntime-node build (available: ${supported.join(', ')})`,
    );
  }
  try {
    return await ort.InferenceSession.create(model, {
      executionProviders: [options.device],
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: options.graphLevel ?? 'all',
      enableCpuMemArena: options.memArena ?? false,
      // Memory patterns plan buffers for one input shape; every phrase has another, so they only hold memory.
      enableMemPattern: false,
      extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
    });
  } catch (err) {
    const hint =
      options.device === 'cuda'
        ? ' (the CUDA provider needs its libraries, which the npm package does not ship; install them or use cpu/webgpu)'
        : options.device === 'webgpu'
          ? ' (WebGPU needs a GPU with a working Vulkan driver and loader)'
          : '';
    throw new SpeechgateError(
      'device_unavailable',
      `cannot start the "${options.device}" execution provider${hint}`,
      {
        cause: err,
      },
    );
  }
}
