// Generated from client/demo/app.ts by 'npm run build:demo' in client/. Do not edit.
'use strict';
(() => {
  // src/backoff.ts
  var DEFAULT_BACKOFF = {
    initialDelayMs: 500,
    maxDelayMs: 15e3,
    factor: 2,
    jitter: 0.5,
    maxAttempts: Infinity,
  };
  function backoffDelay(attempt, options = {}, random = Math.random, retryAfterSeconds) {
    const o = { ...DEFAULT_BACKOFF, ...options };
    const ceiling = Math.min(o.maxDelayMs, o.initialDelayMs * Math.pow(o.factor, Math.max(0, attempt)));
    const jitter = Math.min(1, Math.max(0, o.jitter));
    const delay = ceiling * (1 - jitter * random());
    return Math.round(Math.max(delay, (retryAfterSeconds ?? 0) * 1e3));
  }

  // src/dedupe.ts
  var SequenceSet = class {
    /** Every sequence below this has been seen. */
    floor = 0;
    above = /* @__PURE__ */ new Set();
    /** True if `sequence` is new (and records it); false for a duplicate. */
    add(sequence) {
      if (sequence < this.floor || this.above.has(sequence)) return false;
      this.above.add(sequence);
      while (this.above.delete(this.floor)) this.floor++;
      return true;
    }
    has(sequence) {
      return sequence < this.floor || this.above.has(sequence);
    }
    /** Sequences seen so far. */
    get size() {
      return this.floor + this.above.size;
    }
  };

  // src/emitter.ts
  var Emitter = class _Emitter {
    /**
     * Where errors thrown by listeners go. By default they are rethrown on a fresh microtask (reported
     * as uncaught, like a throwing DOM event listener); replace it to route them to your logging.
     */
    static reportListenerError = (error) =>
      queueMicrotask(() => {
        throw error;
      });
    listeners = /* @__PURE__ */ new Map();
    /** Adds a listener; returns a function that removes it. */
    on(type, listener) {
      let set = this.listeners.get(type);
      if (!set) this.listeners.set(type, (set = /* @__PURE__ */ new Set()));
      set.add(listener);
      return () => this.off(type, listener);
    }
    once(type, listener) {
      const off = this.on(type, (value) => {
        off();
        listener(value);
      });
      return off;
    }
    off(type, listener) {
      this.listeners.get(type)?.delete(listener);
    }
    listenerCount(type) {
      return this.listeners.get(type)?.size ?? 0;
    }
    /**
     * Calls every listener; one that throws does not stop the others (see reportListenerError).
     */
    emit(type, value) {
      const set = this.listeners.get(type);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          listener(value);
        } catch (err) {
          _Emitter.reportListenerError(err);
        }
      }
    }
  };
  var AsyncQueue = class {
    constructor(onReturn) {
      this.onReturn = onReturn;
    }
    onReturn;
    items = [];
    waiting;
    ended = false;
    failure;
    push(value) {
      if (this.ended) return;
      if (this.waiting) {
        const { resolve } = this.waiting;
        this.waiting = void 0;
        resolve({ value, done: false });
      } else {
        this.items.push(value);
      }
    }
    close() {
      this.finish();
    }
    fail(error) {
      this.finish({ error });
    }
    next() {
      if (this.items.length > 0) return Promise.resolve({ value: this.items.shift(), done: false });
      if (this.failure) {
        const { error } = this.failure;
        this.failure = void 0;
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      if (this.ended) return Promise.resolve({ value: void 0, done: true });
      return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
    }
    return() {
      this.items.length = 0;
      this.failure = void 0;
      this.finish();
      return Promise.resolve({ value: void 0, done: true });
    }
    [Symbol.asyncIterator]() {
      return this;
    }
    finish(failure) {
      if (this.ended) return;
      this.ended = true;
      this.onReturn?.();
      if (this.waiting) {
        const { resolve, reject } = this.waiting;
        this.waiting = void 0;
        if (failure) reject(failure.error);
        else resolve({ value: void 0, done: true });
      } else {
        this.failure = failure;
      }
    }
  };

  // src/errors.ts
  var SERVER_CODES = {
    bad_request: false,
    malformed_message: false,
    message_too_large: false,
    unknown_message_type: false,
    unknown_context: false,
    context_exists: false,
    unknown_voice: false,
    unsupported_format: false,
    unauthenticated: false,
    token_expired: false,
    forbidden: false,
    rate_limited: true,
    too_many_contexts: true,
    too_many_connections: true,
    slow_consumer: true,
    idle_timeout: true,
    synthesis_failed: true,
    device_unavailable: false,
    not_ready: true,
    shutting_down: true,
    not_found: false,
    internal: true,
  };
  var CLIENT_CODES = {
    /** The socket could not be opened (network, TLS, or the upgrade was refused). */
    connection_failed: true,
    /** The socket dropped while this context was streaming; its audio is incomplete. */
    connection_lost: true,
    /** `close()` was called, or reconnecting gave up. */
    closed: false,
    /** The server sent something this client cannot read. */
    protocol_error: false,
  };
  var RETRYABLE = { ...SERVER_CODES, ...CLIENT_CODES };
  var CLOSE_CODES = {
    1001: 'shutting_down',
    1007: 'malformed_message',
    1008: 'bad_request',
    1009: 'message_too_large',
    1011: 'internal',
    1013: 'not_ready',
    4e3: 'idle_timeout',
    4001: 'unauthenticated',
    4003: 'forbidden',
    4008: 'slow_consumer',
    4029: 'rate_limited',
  };
  var SpeechgateError = class _SpeechgateError extends Error {
    /** Stable code; a code unknown to this client version is passed through as the server sent it. */
    code;
    /** True when the same request may succeed later (after `retryAfterSeconds`, if given). */
    retryable;
    retryAfterSeconds;
    /** The context the error belongs to; undefined for connection-level errors. */
    contextId;
    /** True when the connection is closed because of this error. */
    fatal;
    constructor(code, message, options = {}) {
      super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
      this.name = 'SpeechgateError';
      this.code = code;
      this.retryable = options.retryable ?? RETRYABLE[code] ?? false;
      this.retryAfterSeconds = options.retryAfterSeconds;
      this.contextId = options.contextId;
      this.fatal = options.fatal ?? false;
    }
    static fromMessage(msg) {
      return new _SpeechgateError(msg.code, msg.message, {
        retryable: msg.retryable,
        retryAfterSeconds: msg.retry_after_s,
        contextId: msg.context_id,
        fatal: msg.fatal,
      });
    }
    /** The error a close code implies when the server closed without explaining itself first. */
    static fromClose(code, reason) {
      const mapped = CLOSE_CODES[code];
      const text = reason !== '' ? reason : `connection closed (${code})`;
      return new _SpeechgateError(mapped ?? 'connection_lost', text, { fatal: true });
    }
    /** The same error, attributed to one context (connection-level failures fail every open context). */
    forContext(contextId) {
      return new _SpeechgateError(this.code, this.message, {
        retryable: this.retryable,
        retryAfterSeconds: this.retryAfterSeconds,
        contextId,
        fatal: this.fatal,
        cause: this,
      });
    }
  };

  // src/types.ts
  function readyInfo(m) {
    return {
      protocol: m.protocol,
      sessionId: m.session_id,
      voices: m.voices.map((v) => ({
        id: v.id,
        name: v.name,
        language: v.language,
        sampleRate: v.sample_rate,
      })),
      defaultVoice: m.default_voice,
      formats: m.formats,
      limits: {
        maxContexts: m.limits.max_contexts,
        maxMessageBytes: m.limits.max_message_bytes,
        charsPerMinute: m.limits.chars_per_minute,
      },
    };
  }
  function wordTiming(w) {
    return { word: w.word, start: w.start, end: w.end, startMs: w.start_ms, endMs: w.end_ms };
  }
  function sentenceEvent(m) {
    return {
      type: 'sentence',
      index: m.index,
      start: m.start,
      end: m.end,
      audioStartMs: m.audio_start_ms,
      durationMs: m.duration_ms,
      cached: m.cached,
      words: m.words.map(wordTiming),
    };
  }
  function doneEvent(m) {
    return {
      type: 'done',
      timeToFirstAudioMs: m.time_to_first_audio_ms,
      audioMs: m.audio_ms,
      characters: m.characters,
      sentences: m.sentences,
      cacheHits: m.cache_hits,
      frames: m.frames,
    };
  }

  // src/context.ts
  var ENDS_CONTEXT = /* @__PURE__ */ new Set([
    'synthesis_failed',
    'unknown_context',
    'context_exists',
    'unknown_voice',
    'unsupported_format',
    'too_many_contexts',
  ]);
  var now = () => performance.now();
  var Context = class extends Emitter {
    constructor(id, options, host) {
      super();
      this.host = host;
      this.id = id;
      this.options = { ...options };
      this.finished = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
      this.finished.catch(() => {});
    }
    host;
    id;
    options;
    /** The negotiated format, known once the gateway's `ready` has arrived. */
    format;
    state = 'open';
    /** Word timings of every sentence so far, in order. */
    words = [];
    /** The text sent so far (word offsets point into it). */
    text = '';
    /** performance.now() of the first sendText, and of the first audio frame received. */
    firstTextAt;
    firstFrameAt;
    /** Set when the context failed. */
    error;
    framesReceived = 0;
    duplicateFrames = 0;
    /** Resolves with the `done` report; undefined when cancelled; rejects with the context's error. */
    finished;
    seen = new SequenceSet();
    settle;
    started = false;
    /** True once the context will emit nothing more. */
    get closed() {
      return this.state === 'done' || this.state === 'cancelled' || this.state === 'failed';
    }
    /** Whether the `start` message reached a live connection (a dropped connection then fails the context). */
    get isStarted() {
      return this.started;
    }
    /** Queue text; any chunking works (LLM tokens, words, whole paragraphs). */
    sendText(text) {
      this.assertWritable('sendText');
      if (text === '') return;
      this.firstTextAt ??= now();
      this.text += text;
      this.host.send({ type: 'text', context_id: this.id, text });
    }
    /** Synthesise everything sent so far now, even mid-sentence. */
    flush() {
      this.assertWritable('flush');
      this.host.send({ type: 'flush', context_id: this.id });
    }
    /** No more text: the gateway finishes the audio and reports `done`. Resolves like `finished`. */
    end() {
      if (this.state === 'open') {
        this.state = 'ending';
        this.host.send({ type: 'end', context_id: this.id });
      }
      return this.finished;
    }
    /** Stop now: no audio or events are delivered after this call (frames still in flight are dropped). */
    cancel() {
      if (this.closed) return;
      this.state = 'cancelled';
      this.host.send({ type: 'cancel', context_id: this.id });
      this.emitEvent({ type: 'cancelled' });
      this.settle.resolve(void 0);
    }
    /**
     * Events from now on, ending after `done` or `cancelled`; throws the SpeechgateError if the context
     * fails. Call it before awaiting anything, or early events are missed.
     */
    events() {
      const offs = [];
      const queue = new AsyncQueue(() => offs.forEach((off) => off()));
      if (this.error) queue.fail(this.error);
      else if (this.closed) queue.close();
      if (this.closed) return queue;
      for (const type of ['audio', 'sentence', 'flushed', 'done', 'cancelled', 'refused']) {
        offs.push(
          this.on(type, (ev) => {
            queue.push(ev);
            if (ev.type === 'done' || ev.type === 'cancelled') queue.close();
          }),
        );
      }
      offs.push(this.on('error', (err) => queue.fail(err)));
      return queue;
    }
    /** The word being spoken at `ms` on this context's timeline, if any. */
    wordAt(ms2) {
      let lo = 0;
      let hi = this.words.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const w = this.words[mid];
        if (ms2 < w.startMs) hi = mid - 1;
        else if (ms2 >= w.endMs) lo = mid + 1;
        else return w;
      }
      return void 0;
    }
    // ── called by the client ──────────────────────────────────────────────────────────────────────
    /** @internal */
    markStarted(format) {
      this.started = true;
      this.format ??= format;
    }
    /** @internal */
    handleFrame(frame) {
      if (this.closed) return;
      if (!this.seen.add(frame.sequence)) {
        this.duplicateFrames++;
        return;
      }
      this.framesReceived++;
      this.firstFrameAt ??= now();
      this.emitEvent({ type: 'audio', ...frame });
    }
    /** @internal */
    handleMessage(message) {
      switch (message.type) {
        case 'sentence': {
          if (this.closed) return;
          const ev = sentenceEvent(message);
          this.words.push(...ev.words);
          this.emitEvent(ev);
          return;
        }
        case 'flushed':
          if (!this.closed) this.emitEvent({ type: 'flushed' });
          return;
        case 'done': {
          this.host.release(this.id);
          if (this.closed) return;
          this.state = 'done';
          const ev = doneEvent(message);
          this.emitEvent(ev);
          this.settle.resolve(ev);
          return;
        }
        case 'cancelled':
          this.host.release(this.id);
          if (!this.closed) this.cancelledByServer();
          return;
        case 'error': {
          const err = SpeechgateError.fromMessage(message);
          if (err.fatal || ENDS_CONTEXT.has(err.code)) this.fail(err);
          else if (!this.closed) this.emitEvent({ type: 'refused', error: err });
          return;
        }
        case 'ready':
          return;
      }
    }
    /** @internal Terminal failure: the error event, then nothing more. */
    fail(error) {
      this.host.release(this.id);
      if (this.closed) return;
      this.state = 'failed';
      const err = error.contextId === this.id ? error : error.forContext(this.id);
      this.error = err;
      this.emit('error', err);
      this.settle.reject(err);
    }
    cancelledByServer() {
      this.state = 'cancelled';
      this.emitEvent({ type: 'cancelled' });
      this.settle.resolve(void 0);
    }
    emitEvent(ev) {
      this.emit(ev.type, ev);
    }
    assertWritable(what) {
      if (this.state !== 'open') {
        throw new SpeechgateError('bad_request', `${what}() on a context that is ${this.state}`, {
          contextId: this.id,
        });
      }
    }
  };

  // src/protocol.ts
  var PROTOCOL = 'speechgate.v1';
  var SERVER_TYPES = /* @__PURE__ */ new Set(['ready', 'sentence', 'flushed', 'done', 'cancelled', 'error']);
  function parseServerMessage(text) {
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      return void 0;
    }
    if (typeof value !== 'object' || value === null) return void 0;
    const type = value.type;
    return typeof type === 'string' && SERVER_TYPES.has(type) ? value : void 0;
  }
  var FRAME_MS = 20;

  // src/frame.ts
  var FRAME_VERSION = 1;
  var FLAG_SENTENCE_START = 1;
  var FLAG_SENTENCE_END = 2;
  var MAX_CONTEXT_ID_BYTES = 64;
  var HEADER_BYTES = 7;
  var utf8 = new TextDecoder('utf-8', { fatal: true });
  function decodeAudioFrame(data) {
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    if (bytes.length < HEADER_BYTES + 1) throw new RangeError('audio frame too short');
    if (bytes[0] !== FRAME_VERSION) throw new RangeError(`unsupported audio frame version ${bytes[0]}`);
    const idLength = bytes[6];
    if (idLength < 1 || idLength > MAX_CONTEXT_ID_BYTES || HEADER_BYTES + idLength > bytes.length) {
      throw new RangeError('bad context id length in audio frame');
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const flags = bytes[1];
    const sequence = view.getUint32(2);
    return {
      contextId: utf8.decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + idLength)),
      sequence,
      flags,
      startMs: sequence * FRAME_MS,
      sentenceStart: (flags & FLAG_SENTENCE_START) !== 0,
      sentenceEnd: (flags & FLAG_SENTENCE_END) !== 0,
      payload: bytes.subarray(HEADER_BYTES + idLength),
    };
  }

  // src/format.ts
  var DEFAULT_ENCODING = 'opus';
  var DEFAULT_RATES = {
    opus: 48e3,
    pcm_s16le: 24e3,
    mulaw: 8e3,
    alaw: 8e3,
    mp3: 24e3,
  };
  function wireFormat(format) {
    if (typeof format === 'string') return { encoding: format };
    return format.sampleRate === void 0
      ? { encoding: format.encoding }
      : { encoding: format.encoding, sample_rate: format.sampleRate };
  }
  function resolveFormat(format, info) {
    const encoding =
      format === void 0 ? DEFAULT_ENCODING : typeof format === 'string' ? format : format.encoding;
    const explicitRate = typeof format === 'object' ? format.sampleRate : void 0;
    const sampleRate = explicitRate ?? info.formats[encoding]?.[0] ?? DEFAULT_RATES[encoding];
    return { encoding, sampleRate };
  }

  // src/socket.ts
  function socketTarget(url, token, via) {
    const protocols = [PROTOCOL];
    if (token === void 0 || token === '') return { url, protocols };
    if (via === 'protocol') return { url, protocols: [PROTOCOL, `bearer.${token}`] };
    const parsed = new URL(url);
    parsed.searchParams.set('token', token);
    return { url: parsed.toString(), protocols };
  }
  function defaultWebSocket() {
    const ctor = globalThis.WebSocket;
    return typeof ctor === 'function' ? ctor : void 0;
  }
  function binaryData(data) {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return void 0;
  }

  // src/client.ts
  function deferred() {
    const d = { settled: false };
    d.promise = new Promise((resolve, reject) => {
      d.resolve = (info) => ((d.settled = true), resolve(info));
      d.reject = (err) => ((d.settled = true), reject(err));
    });
    d.promise.catch(() => {});
    return d;
  }
  var AUTH_CODES = /* @__PURE__ */ new Set(['unauthenticated', 'token_expired']);
  var SpeechgateClient = class extends Emitter {
    constructor(options) {
      super();
      this.options = options;
      const impl = options.WebSocket ?? defaultWebSocket();
      if (!impl)
        throw new TypeError('no global WebSocket: pass one, e.g. { WebSocket } from the "ws" package');
      this.WebSocketImpl = impl;
      const r = options.reconnect ?? true;
      this.backoff = r === false ? void 0 : { ...DEFAULT_BACKOFF, ...(r === true ? {} : r) };
      this.open();
    }
    options;
    state = 'connecting';
    /** The last `ready` received. */
    info;
    WebSocketImpl;
    backoff;
    socket;
    readyState = deferred();
    contexts = /* @__PURE__ */ new Map();
    queue = [];
    attempt = 0;
    everReady = false;
    timer;
    /** The gateway's explanation for a close it is about to do. */
    closeReason;
    idPrefix = randomHex(4);
    nextId = 0;
    /** Resolves with the gateway's `ready` for the current connection; rejects if the client closes first. */
    get ready() {
      if (this.state === 'idle') this.open();
      return this.readyState.promise;
    }
    /** Opens a context on this connection (queued until `ready` if the connection is not up). */
    context(options = {}) {
      const id = `${this.idPrefix}-${(this.nextId++).toString(36)}`;
      const ctx = new Context(id, options, {
        send: (m) => this.send(m),
        release: (i) => this.contexts.delete(i),
      });
      if (this.state === 'closed') {
        ctx.fail(new SpeechgateError('closed', 'the client is closed'));
        return ctx;
      }
      if (this.info) ctx.format = resolveFormat(options.format, this.info);
      this.contexts.set(id, ctx);
      const start = { type: 'start', context_id: id };
      if (options.voice !== void 0) start.voice = options.voice;
      if (options.format !== void 0) start.format = wireFormat(options.format);
      if (options.speed !== void 0) start.speed = options.speed;
      this.send(start);
      return ctx;
    }
    /** Closes the connection; contexts still running fail with code 'closed'. */
    close() {
      if (this.state === 'closed') return;
      const socket = this.socket;
      this.terminate(new SpeechgateError('closed', 'the client was closed'));
      socket?.close(1e3, 'client closed');
    }
    send(message) {
      if (this.state === 'open' && this.socket) this.write(this.socket, message);
      else if (this.state !== 'closed') {
        this.queue.push(message);
        if (this.state === 'idle') this.open();
      }
    }
    write(socket, message) {
      socket.send(JSON.stringify(message));
      if (message.type === 'start' && this.info) {
        const ctx = this.contexts.get(message.context_id);
        ctx?.markStarted(resolveFormat(ctx.options.format, this.info));
      }
    }
    open() {
      this.state = this.everReady ? 'reconnecting' : 'connecting';
      if (this.readyState.settled) this.readyState = deferred();
      const token = this.options.token;
      if (typeof token === 'function') {
        Promise.resolve()
          .then(token)
          .then(
            (t) => this.connect(t),
            (err) => this.dropped(void 0, failed('the token provider failed', err)),
          );
      } else {
        this.connect(token);
      }
    }
    connect(token) {
      if (this.state === 'closed') return;
      const { url, protocols } = socketTarget(this.options.url, token, this.options.tokenVia ?? 'protocol');
      let socket;
      try {
        socket = new this.WebSocketImpl(url, protocols);
      } catch (err) {
        this.terminate(failed('the WebSocket could not be created', err));
        return;
      }
      this.socket = socket;
      this.closeReason = void 0;
      socket.binaryType = 'arraybuffer';
      const mine = () => this.socket === socket;
      socket.onmessage = (ev) => mine() && this.received(ev.data);
      socket.onclose = (ev) =>
        mine() && this.dropped(socket, this.closeReason ?? this.closeError(ev.code ?? 1006, ev.reason ?? ''));
      socket.onerror = (ev) => {
        const text = typeof ev.message === 'string' ? ev.message : '';
        const status = /Unexpected server response: (\d+)/.exec(text)?.[1];
        if (mine() && status) this.closeReason ??= upgradeRefused(Number(status));
      };
      this.timer = setTimeout(() => {
        if (!mine()) return;
        this.dropped(socket, failed(`no ready message within ${this.options.readyTimeoutMs ?? 15e3} ms`));
        socket.close(1e3, 'ready timeout');
      }, this.options.readyTimeoutMs ?? 15e3);
    }
    closeError(code, reason) {
      if (code !== 1e3 && code !== 1005 && code !== 1006) return SpeechgateError.fromClose(code, reason);
      if (this.state !== 'open') return failed(reason || `the connection could not be opened (${code})`);
      return new SpeechgateError('connection_lost', 'the connection dropped', { fatal: true });
    }
    received(data) {
      if (typeof data === 'string') {
        const message = parseServerMessage(data);
        if (message) this.route(message);
        else this.emit('error', new SpeechgateError('protocol_error', 'unreadable message from the gateway'));
        return;
      }
      const bytes = binaryData(data);
      try {
        if (!bytes) throw new RangeError('unexpected binary message type');
        const frame = decodeAudioFrame(bytes);
        this.contexts.get(frame.contextId)?.handleFrame(frame);
      } catch (err) {
        this.emit('error', new SpeechgateError('protocol_error', 'unreadable audio frame', { cause: err }));
      }
    }
    route(message) {
      if (message.type === 'ready') {
        if (this.state === 'open') return;
        clearTimeout(this.timer);
        this.info = readyInfo(message);
        this.state = 'open';
        this.attempt = 0;
        this.everReady = true;
        const queued = this.queue;
        this.queue = [];
        for (const ctx2 of this.contexts.values())
          ctx2.format ??= resolveFormat(ctx2.options.format, this.info);
        for (const m of queued) if (this.socket) this.write(this.socket, m);
        this.readyState.resolve(this.info);
        this.emit('ready', this.info);
        return;
      }
      const ctx = message.context_id !== void 0 ? this.contexts.get(message.context_id) : void 0;
      if (message.type === 'error') {
        const err = SpeechgateError.fromMessage(message);
        if (err.fatal) this.closeReason = err;
        if (ctx) ctx.handleMessage(message);
        else if (!err.fatal) this.emit('error', err);
        return;
      }
      ctx?.handleMessage(message);
    }
    /** The socket is gone (closed, failed, or timed out): fail what was streaming, then retry or give up. */
    dropped(socket, error) {
      if (socket && socket !== this.socket) return;
      clearTimeout(this.timer);
      this.socket = void 0;
      if (this.state === 'closed') return;
      for (const ctx of [...this.contexts.values()]) if (ctx.isStarted) ctx.fail(error);
      this.emit('disconnected', error);
      const authRetry = AUTH_CODES.has(error.code) && typeof this.options.token === 'function';
      const retry = this.backoff && (error.retryable || authRetry) && this.attempt < this.backoff.maxAttempts;
      if (!retry || (!this.everReady && error.code === 'connection_failed')) {
        this.terminate(error);
      } else if (error.code === 'idle_timeout' && this.queue.length === 0) {
        this.state = 'idle';
        if (this.readyState.settled) this.readyState = deferred();
      } else {
        const delayMs = backoffDelay(this.attempt++, this.backoff, Math.random, error.retryAfterSeconds);
        this.state = 'reconnecting';
        if (this.readyState.settled) this.readyState = deferred();
        this.emit('reconnecting', { attempt: this.attempt, delayMs, error });
        this.timer = setTimeout(() => this.open(), delayMs);
      }
    }
    terminate(error) {
      clearTimeout(this.timer);
      this.state = 'closed';
      this.socket = void 0;
      this.queue = [];
      for (const ctx of [...this.contexts.values()]) ctx.fail(error);
      this.contexts.clear();
      if (!this.readyState.settled) this.readyState.reject(error);
      this.emit('close', error);
    }
  };
  function upgradeRefused(status) {
    const code = { 401: 'unauthenticated', 403: 'forbidden', 429: 'too_many_connections', 503: 'not_ready' }[
      status
    ];
    return code
      ? new SpeechgateError(code, `the gateway refused the connection (HTTP ${status})`, { fatal: true })
      : failed(`the gateway refused the connection (HTTP ${status})`);
  }
  function failed(message, cause) {
    return new SpeechgateError('connection_failed', message, { cause, fatal: true });
  }
  function randomHex(bytes) {
    const b = crypto.getRandomValues(new Uint8Array(bytes));
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  // src/player/pcm.ts
  function s16leToFloat(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(bytes.byteLength >> 1);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true) / 32768;
    return out;
  }
  function mulawToLinear(byte) {
    const u = ~byte & 255;
    const magnitude = ((((u & 15) << 3) + 132) << ((u >> 4) & 7)) - 132;
    return u & 128 ? 0 - magnitude : magnitude;
  }
  function alawToLinear(byte) {
    const a = byte ^ 85;
    const exponent = (a >> 4) & 7;
    const mantissa = a & 15;
    const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 264) << (exponent - 1);
    return a & 128 ? magnitude : -magnitude;
  }
  function table(decode) {
    const t = new Float32Array(256);
    for (let b = 0; b < 256; b++) t[b] = decode(b) / 32768;
    return t;
  }
  var mulawTable;
  var alawTable;
  function g711ToFloat(bytes, law) {
    const t = law === 'mulaw' ? (mulawTable ??= table(mulawToLinear)) : (alawTable ??= table(alawToLinear));
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = t[bytes[i]];
    return out;
  }
  function resampleLinear(input, fromRate, toRate) {
    if (fromRate === toRate || input.length === 0) return input;
    const out = new Float32Array(Math.round((input.length * toRate) / fromRate));
    const step = fromRate / toRate;
    for (let i = 0; i < out.length; i++) {
      const pos = i * step;
      const j = Math.floor(pos);
      const frac = pos - j;
      const a = input[j] ?? 0;
      const b = input[Math.min(j + 1, input.length - 1)] ?? a;
      out[i] = a + (b - a) * frac;
    }
    return out;
  }

  // src/player/decoder.ts
  var opusConfig = (sampleRate) => ({
    codec: 'opus',
    sampleRate,
    numberOfChannels: 1,
  });
  async function canDecodeOpus(sampleRate = 48e3) {
    if (typeof AudioDecoder === 'undefined') return false;
    try {
      return (await AudioDecoder.isConfigSupported(opusConfig(sampleRate))).supported === true;
    } catch {
      return false;
    }
  }
  var OpusFrameDecoder = class {
    decoder;
    constructor(sampleRate, output, onError) {
      this.decoder = new AudioDecoder({
        output: (data) => {
          try {
            const samples = new Float32Array(data.numberOfFrames);
            data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
            output({ samples, sampleRate: data.sampleRate, startMs: data.timestamp / 1e3 });
          } finally {
            data.close();
          }
        },
        error: (e) =>
          onError(new SpeechgateError('protocol_error', `Opus decoding failed: ${e.message}`, { cause: e })),
      });
      this.decoder.configure(opusConfig(sampleRate));
    }
    decode(frame) {
      if (this.decoder.state !== 'configured') return;
      const timestamp = frame.sequence * FRAME_MS * 1e3;
      this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp, data: frame.payload }));
    }
    async flush() {
      if (this.decoder.state === 'configured') await this.decoder.flush();
    }
    close() {
      if (this.decoder.state !== 'closed') this.decoder.close();
    }
  };
  var SampleFrameDecoder = class {
    constructor(format, output) {
      this.format = format;
      this.output = output;
    }
    format;
    output;
    decode(frame) {
      const { encoding, sampleRate } = this.format;
      const samples =
        encoding === 'pcm_s16le'
          ? s16leToFloat(frame.payload)
          : g711ToFloat(frame.payload, encoding === 'alaw' ? 'alaw' : 'mulaw');
      this.output({ samples, sampleRate, startMs: frame.startMs });
    }
    flush() {
      return Promise.resolve();
    }
    close() {}
  };
  function createFrameDecoder(format, output, onError) {
    if (format.encoding === 'mp3') {
      throw new SpeechgateError('unsupported_format', 'the player does not play mp3; use opus or pcm_s16le');
    }
    if (format.encoding !== 'opus') return new SampleFrameDecoder(format, output);
    if (typeof AudioDecoder === 'undefined') {
      throw new SpeechgateError(
        'unsupported_format',
        'this browser has no WebCodecs AudioDecoder; use pcm_s16le',
      );
    }
    return new OpusFrameDecoder(format.sampleRate, output, onError);
  }
  function outputRate(format) {
    return format.encoding === 'opus' ? 48e3 : format.sampleRate;
  }

  // src/player/ring.ts
  var SampleRing = class {
    buffer;
    start = 0;
    size = 0;
    constructor(capacity = 16384) {
      this.buffer = new Float32Array(Math.max(16, capacity));
    }
    get length() {
      return this.size;
    }
    push(samples) {
      if (this.size + samples.length > this.buffer.length) {
        let capacity = this.buffer.length * 2;
        while (capacity < this.size + samples.length) capacity *= 2;
        const grown = new Float32Array(capacity);
        this.read(grown.subarray(0, this.size), false);
        this.buffer = grown;
        this.start = 0;
      }
      const cap = this.buffer.length;
      const end = (this.start + this.size) % cap;
      const first = Math.min(samples.length, cap - end);
      this.buffer.set(samples.subarray(0, first), end);
      if (first < samples.length) this.buffer.set(samples.subarray(first), 0);
      this.size += samples.length;
    }
    /** Copies up to out.length samples into `out` and returns how many; `consume` false only peeks. */
    read(out, consume = true) {
      const n = Math.min(out.length, this.size);
      const cap = this.buffer.length;
      const first = Math.min(n, cap - this.start);
      out.set(this.buffer.subarray(this.start, this.start + first), 0);
      if (first < n) out.set(this.buffer.subarray(0, n - first), first);
      if (consume) {
        this.start = (this.start + n) % cap;
        this.size -= n;
      }
      return n;
    }
    clear() {
      this.start = 0;
      this.size = 0;
    }
  };

  // src/player/worklet.ts
  var PROCESSOR_NAME = 'speechgate-player';
  var PROCESSOR_SOURCE = `
class SpeechgatePlayerProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.ring = new Ring(sampleRate * 4);
    const o = options.processorOptions || {};
    this.reset(o.gen || 0, o.targetSamples || 0);
    this.reportEvery = Math.round(sampleRate / 50);
    this.port.onmessage = (e) => this.command(e.data);
  }
  reset(gen, targetSamples) {
    this.ring.clear();
    this.gen = gen;
    this.target = targetSamples;
    this.playing = false;
    this.ended = false;
    this.drained = false;
    this.played = 0;
    this.sinceReport = 0;
    this.underruns = 0;
  }
  command(m) {
    if (m.type === 'reset' || m.type === 'stop') this.reset(m.gen, m.targetSamples || this.target);
    else if (m.gen !== this.gen) return;
    else if (m.type === 'push') this.ring.push(m.samples);
    else if (m.type === 'end') this.ended = true;
  }
  process(inputs, outputs) {
    const channels = outputs[0];
    const out = channels && channels[0];
    if (!out) return true;
    let n = 0;
    if (!this.playing && (this.ring.length >= this.target || (this.ended && this.ring.length > 0))) {
      this.playing = true;
    }
    if (this.playing) {
      n = this.ring.read(out);
      if (n < out.length && !this.ended) {
        this.playing = false;
        this.underruns++;
      }
    }
    out.fill(0, n);
    for (let c = 1; c < channels.length; c++) channels[c].set(out);
    this.played += n;
    this.sinceReport += n;
    if (this.sinceReport >= this.reportEvery) {
      this.sinceReport = 0;
      this.post('position');
    }
    if (this.ended && !this.drained && this.ring.length === 0) {
      this.drained = true;
      this.playing = false;
      this.post('position');
      this.post('drained');
    }
    return true;
  }
  post(type) {
    this.port.postMessage({ type, gen: this.gen, played: this.played, buffered: this.ring.length, underruns: this.underruns });
  }
}
registerProcessor(${JSON.stringify(PROCESSOR_NAME)}, SpeechgatePlayerProcessor);
`;
  function workletSource() {
    return `const Ring = (${SampleRing.toString()});
${PROCESSOR_SOURCE}`;
  }
  function workletBlobUrl() {
    return URL.createObjectURL(new Blob([workletSource()], { type: 'text/javascript' }));
  }

  // src/player/player.ts
  var SILENCE = 1 / 1024;
  var SpeechgatePlayer = class extends Emitter {
    constructor(options = {}) {
      super();
      this.options = options;
    }
    options;
    audio;
    preparing;
    queued = [];
    session;
    gen = 0;
    rate = 0;
    counters = {
      played: 0,
      buffered: 0,
      underruns: 0,
      firstAudioMs: void 0,
    };
    /** The format to ask the gateway for: Opus 48 kHz where WebCodecs decodes it, else 24 kHz PCM (Safari). */
    static async pickFormat() {
      return (await canDecodeOpus(48e3))
        ? { encoding: 'opus', sampleRate: 48e3 }
        : { encoding: 'pcm_s16le', sampleRate: 24e3 };
    }
    /** The output rate of the AudioContext (being) prepared; 0 before the first prepare(). */
    get sampleRate() {
      return this.rate;
    }
    /**
     * Creates (or reuses) the AudioContext and worklet for `format`. Call it from a click handler:
     * browsers only let audio start after a user gesture.
     */
    prepare(format) {
      const rate = outputRate(format);
      if (this.rate === rate) return this.preparing ?? this.audio?.context.resume() ?? Promise.resolve();
      this.rate = rate;
      const previous = this.audio;
      this.audio = void 0;
      const context = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
      const resumed = context.resume();
      const preparing = (async () => {
        await previous?.context.close();
        const url = this.options.workletUrl ?? workletBlobUrl();
        try {
          await context.audioWorklet.addModule(url);
        } finally {
          if (url.startsWith('blob:')) URL.revokeObjectURL(url);
        }
        const node = new AudioWorkletNode(context, PROCESSOR_NAME, {
          numberOfInputs: 0,
          numberOfOutputs: 1,
          outputChannelCount: [1],
          processorOptions: { gen: this.gen, targetSamples: this.targetSamples(rate) },
        });
        node.port.onmessage = (e) => this.report(e.data);
        node.connect(context.destination);
        await resumed;
        if (this.rate !== rate) {
          await context.close();
          return;
        }
        this.audio = { context, node };
        for (const { message, transfer } of this.queued) node.port.postMessage(message, transfer);
        this.queued = [];
      })();
      this.preparing = preparing;
      return preparing.finally(() => {
        if (this.preparing === preparing) this.preparing = void 0;
      });
    }
    /** Plays a context's audio as it arrives; whatever was playing stops. */
    play(ctx) {
      this.stop();
      const gen = this.gen;
      const session = { ctx, gen, decoder: void 0, written: 0, offs: [] };
      this.session = session;
      Object.assign(this.counters, { played: 0, buffered: 0, underruns: 0, firstAudioMs: void 0 });
      const fail2 = (err) => this.emit('error', err);
      const ensureDecoder = () => {
        if (session.decoder || !ctx.format) return session.decoder;
        if (this.sampleRate !== outputRate(ctx.format))
          this.prepare(ctx.format).catch((e) => fail2(asError(e)));
        session.decoder = createFrameDecoder(ctx.format, (a) => this.decoded(session, a), fail2);
        return session.decoder;
      };
      this.post({
        type: 'reset',
        gen,
        targetSamples: this.targetSamples(outputRate(ctx.format ?? { encoding: 'opus', sampleRate: 48e3 })),
      });
      session.offs.push(
        ctx.on('audio', (frame) => ensureDecoder()?.decode(frame)),
        ctx.on('done', () => {
          const flushed = session.decoder?.flush() ?? Promise.resolve();
          flushed.then(
            () => gen === this.gen && this.post({ type: 'end', gen }),
            (e) => fail2(asError(e)),
          );
        }),
        ctx.on('cancelled', () => this.stop()),
        ctx.on('error', (err) => {
          fail2(err);
          if (gen === this.gen) this.post({ type: 'end', gen });
        }),
      );
    }
    /** Silence at once (the worklet's buffer is dropped) and cancel the context being played. */
    stop() {
      const session = this.session;
      this.session = void 0;
      this.gen++;
      this.post({ type: 'stop', gen: this.gen });
      if (!session) return;
      session.offs.forEach((off) => off());
      session.decoder?.close();
      session.ctx.cancel();
    }
    get stats() {
      const rate = this.sampleRate || 48e3;
      const ms2 = (samples) => (samples / rate) * 1e3;
      return {
        contextId: this.session?.ctx.id,
        sampleRate: this.sampleRate,
        decodedMs: ms2(this.session?.written ?? 0),
        playedMs: ms2(this.counters.played),
        bufferedMs: ms2(this.counters.buffered),
        underruns: this.counters.underruns,
        firstAudioMs: this.counters.firstAudioMs,
      };
    }
    async close() {
      this.stop();
      const audio = this.audio;
      this.audio = void 0;
      this.rate = 0;
      this.queued = [];
      await audio?.context.close();
    }
    targetSamples(rate) {
      return Math.round(((this.options.jitterMs ?? 80) * rate) / 1e3);
    }
    decoded(session, audio) {
      if (session.gen !== this.gen) return;
      const rate = this.sampleRate || audio.sampleRate;
      let samples = resampleLinear(audio.samples, audio.sampleRate, rate);
      const start = Math.round((audio.startMs * rate) / 1e3);
      if (start > session.written) this.push(session, new Float32Array(start - session.written));
      else if (start < session.written) samples = samples.slice(session.written - start);
      if (samples.length === 0) return;
      if (this.counters.firstAudioMs === void 0 && samples.some((x) => Math.abs(x) > SILENCE)) {
        const since = session.ctx.firstTextAt;
        this.counters.firstAudioMs = since === void 0 ? 0 : performance.now() - since;
        this.emit('firstaudio', { contextId: session.ctx.id, ms: this.counters.firstAudioMs });
      }
      this.push(session, samples);
    }
    push(session, samples) {
      session.written += samples.length;
      const own =
        samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength
          ? samples
          : samples.slice();
      this.post({ type: 'push', gen: session.gen, samples: own }, [own.buffer]);
    }
    post(message, transfer = []) {
      if (this.audio) this.audio.node.port.postMessage(message, transfer);
      else this.queued.push({ message, transfer });
    }
    report(m) {
      const session = this.session;
      if (!session || m.gen !== this.gen) return;
      const rate = this.sampleRate;
      Object.assign(this.counters, { played: m.played, buffered: m.buffered, underruns: m.underruns });
      const ms2 = (m.played / rate) * 1e3;
      if (m.type === 'position')
        this.emit('position', { contextId: session.ctx.id, ms: ms2, bufferedMs: (m.buffered / rate) * 1e3 });
      else this.emit('ended', { contextId: session.ctx.id, playedMs: ms2 });
    }
  };
  function asError(e) {
    return e instanceof SpeechgateError ? e : new SpeechgateError('internal', String(e), { cause: e });
  }

  // demo/app.ts
  var $ = (id) => document.getElementById(id);
  var ui = {
    token: $('token'),
    voice: $('voice'),
    format: $('format'),
    text: $('text'),
    stream: $('stream'),
    speak: $('speak'),
    stop: $('stop'),
    status: $('status'),
    spoken: $('spoken'),
    ttfa: $('ttfa'),
    serverTtfa: $('server-ttfa'),
    duration: $('duration'),
    position: $('position'),
  };
  function freshStats() {
    return {
      state: 'idle',
      voices: [],
      contextId: void 0,
      format: void 0,
      firstAudioMs: void 0,
      serverFirstAudioMs: void 0,
      framesReceived: 0,
      decodedMs: 0,
      playedMs: 0,
      positionMs: 0,
      word: void 0,
      highlighted: [],
      doneAudioMs: void 0,
      doneFrames: void 0,
      ended: false,
      stoppedAt: void 0,
      framesAfterStop: 0,
      error: void 0,
    };
  }
  var stats = (window.__speechgate = freshStats());
  var player = new SpeechgatePlayer({ jitterMs: 80 });
  var params = new URLSearchParams(location.search);
  var wsUrl =
    params.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/stream`;
  var client;
  var current;
  var feeding;
  var autoFormat = { encoding: 'pcm_s16le', sampleRate: 24e3 };
  function setStatus(text, isError = false) {
    ui.status.textContent = text;
    ui.status.classList.toggle('error', isError);
  }
  var ms = (v) => (v === void 0 || v === null ? '\u2013' : `${Math.round(v)} ms`);
  function render() {
    ui.ttfa.textContent = ms(stats.firstAudioMs);
    ui.serverTtfa.textContent = ms(stats.serverFirstAudioMs);
    ui.duration.textContent = `${ms(stats.decodedMs)} / ${ms(stats.doneAudioMs)}`;
    ui.position.textContent = ms(stats.positionMs);
    ui.speak.disabled = ['idle', 'connecting', 'error', 'speaking'].includes(stats.state);
    ui.stop.disabled = stats.state !== 'speaking';
  }
  function highlight(text, start, end) {
    const mark = document.createElement('mark');
    mark.textContent = text.slice(start, end);
    ui.spoken.replaceChildren(text.slice(0, start), mark, text.slice(end));
  }
  function fillSelects(info) {
    ui.voice.replaceChildren(
      ...info.voices.map(
        (v) =>
          new Option(
            `${v.name} (${v.language})`,
            v.id,
            v.id === info.defaultVoice,
            v.id === info.defaultVoice,
          ),
      ),
    );
    const formats = Object.entries(info.formats)
      .filter(([enc]) => enc !== 'mp3')
      .flatMap(([enc, rates]) => rates.map((r) => `${enc}@${r}`));
    const auto = `${autoFormat.encoding}@${autoFormat.sampleRate}`;
    ui.format.replaceChildren(
      new Option(`auto (${auto})`, 'auto', true, true),
      ...formats.map((f) => new Option(f, f)),
    );
    ui.voice.disabled = ui.format.disabled = false;
    void describeVoices();
  }
  async function describeVoices() {
    try {
      const res = await fetch(new URL('/v1/voices', location.href));
      if (!res.ok) return;
      const listing = await res.json();
      for (const option of Array.from(ui.voice.options)) {
        const voice = listing.data.find((v) => v.id === option.value);
        if (voice === void 0) continue;
        const details = [voice.language, voice.gender].filter((d) => d !== null).join(', ');
        option.textContent = `${voice.id} (${details})`;
        option.title = voice.description;
      }
    } catch {}
  }
  function connect() {
    client?.close();
    const token = ui.token.value.trim();
    if (token === '') {
      setStatus('Enter a token to connect');
      return;
    }
    stats.state = 'connecting';
    setStatus('Connecting\u2026');
    const c = (client = new SpeechgateClient({ url: wsUrl, token }));
    let connected = false;
    c.on('ready', (info) => {
      connected = true;
      stats.state = 'ready';
      stats.voices = info.voices.map((v) => v.id);
      fillSelects(info);
      setStatus(`Connected: ${info.voices.length} voice(s)`);
      render();
    });
    c.on('reconnecting', ({ delayMs }) =>
      setStatus(`Connection lost; reconnecting in ${Math.round(delayMs)} ms\u2026`),
    );
    c.on('close', (err) => {
      if (client !== c) return;
      stats.state = 'error';
      stats.error = `${err.code}: ${err.message}`;
      if (connected || err.code !== 'connection_failed') {
        setStatus(`Disconnected (${err.code}): ${err.message}`, true);
      } else {
        stats.error = 'token_or_unreachable';
        setStatus(
          'Could not connect (1006). The gateway refuses a wrong or expired token this way: check the token (`npm start` prints a fresh one; dev tokens expire after 24 h and at every restart).',
          true,
        );
        void explainRefusal(token).then((why) => {
          if (why === void 0 || client !== c) return;
          stats.error = why.code;
          setStatus(why.text, true);
        });
      }
      render();
    });
    render();
  }
  async function explainRefusal(token) {
    if (new URL(wsUrl).host !== location.host) return void 0;
    try {
      const res = await fetch('/v1/audio/speech', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      if (res.status !== 401 && res.status !== 403) return void 0;
      const body = await res.json().catch(() => ({}));
      const detail = typeof body.error === 'object' ? body.error.message : body.error;
      const code = res.status === 401 ? 'unauthenticated' : 'forbidden';
      const what = res.status === 401 ? 'The token was rejected' : 'The token lacks the tts scope';
      return {
        code,
        text: `${what} (${res.status}${typeof detail === 'string' ? `: ${detail}` : ''}). Paste a valid token.`,
      };
    } catch {
      return void 0;
    }
  }
  function selectedFormat() {
    if (ui.format.value === 'auto' || ui.format.value === '') return autoFormat;
    const [encoding, rate] = ui.format.value.split('@');
    return { encoding, sampleRate: Number(rate) };
  }
  function tokens(text) {
    return text.match(/\s*[^\s]{1,6}/g) ?? [];
  }
  function speak() {
    if (!client || stats.state === 'speaking') return;
    stop();
    const format = selectedFormat();
    const preparing = player.prepare(format);
    const ctx = (current = client.context({ voice: ui.voice.value || void 0, format }));
    Object.assign(stats, freshStats(), {
      state: 'speaking',
      voices: stats.voices,
      contextId: ctx.id,
      format,
    });
    const text = ui.text.value;
    ui.spoken.textContent = text;
    preparing.catch((e) => fail(String(e)));
    player.play(ctx);
    ctx.on('audio', () => {
      stats.framesReceived = ctx.framesReceived;
      if (stats.stoppedAt) stats.framesAfterStop++;
    });
    ctx.on('done', (d) => {
      stats.doneAudioMs = d.audioMs;
      stats.doneFrames = d.frames;
      stats.serverFirstAudioMs = d.timeToFirstAudioMs;
      render();
    });
    ctx.on('refused', (ev) => setStatus(`Refused (${ev.error.code}): ${ev.error.message}`, true));
    ctx.on('error', (err) => fail(`${err.code}: ${err.message}`));
    setStatus('Speaking\u2026');
    if (ui.stream.checked) {
      const pieces = tokens(text);
      const next = () => {
        const piece = pieces.shift();
        if (current !== ctx || ctx.state !== 'open') return;
        if (piece === void 0) void ctx.end();
        else {
          ctx.sendText(piece);
          feeding = setTimeout(next, 25);
        }
      };
      next();
    } else {
      ctx.sendText(text);
      void ctx.end();
    }
    render();
  }
  function stop() {
    clearTimeout(feeding);
    if (!current || stats.state !== 'speaking') return;
    stats.stoppedAt = { framesReceived: stats.framesReceived, positionMs: stats.positionMs };
    player.stop();
    stats.state = 'stopped';
    setStatus('Stopped');
    render();
  }
  function fail(message) {
    stats.state = 'error';
    stats.error = message;
    setStatus(message, true);
    render();
  }
  player.on('firstaudio', (e) => {
    if (e.contextId !== stats.contextId) return;
    stats.firstAudioMs = e.ms;
    render();
  });
  player.on('position', (e) => {
    if (e.contextId !== stats.contextId || !current) return;
    Object.assign(stats, {
      positionMs: e.ms,
      decodedMs: player.stats.decodedMs,
      playedMs: player.stats.playedMs,
    });
    const word = current.wordAt(e.ms);
    if (word && word.word !== stats.word) stats.highlighted.push(word.word);
    stats.word = word?.word;
    if (word) highlight(current.text, word.start, word.end);
    render();
  });
  player.on('ended', (e) => {
    if (e.contextId !== stats.contextId) return;
    Object.assign(stats, {
      ended: true,
      playedMs: e.playedMs,
      positionMs: e.playedMs,
      decodedMs: player.stats.decodedMs,
    });
    if (stats.state === 'speaking') {
      stats.state = 'done';
      setStatus('Done');
    }
    ui.spoken.textContent = current?.text ?? '';
    render();
  });
  player.on('error', (err) => fail(`${err.code}: ${err.message}`));
  ui.speak.addEventListener('click', speak);
  ui.stop.addEventListener('click', stop);
  ui.token.addEventListener('change', connect);
  ui.token.value = params.get('token') ?? '';
  if (params.has('token')) history.replaceState(null, '', location.pathname);
  void SpeechgatePlayer.pickFormat().then((f) => {
    autoFormat = f;
    connect();
  });
})();
