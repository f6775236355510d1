/**
 * Where `say` writes its bytes: a file (seekable when it is a regular file, so a header can be patched
 * at the end) or stdout (a pipe: written strictly in order, never revisited).
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface OutputSink {
  /** True when `writeAt` can rewrite earlier bytes. */
  readonly seekable: boolean;
  /** Total bytes appended so far. */
  readonly bytesWritten: number;
  /** Appends; resolves once the bytes are handed to the operating system. */
  write(bytes: Uint8Array): Promise<void>;
  /** Overwrites bytes at `position` (seekable sinks only). */
  writeAt(position: number, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

class FileSink implements OutputSink {
  bytesWritten = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly seekable: boolean,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    // Not positional: FIFOs and character devices have no positions.
    for (let offset = 0; offset < bytes.length;) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset, null);
      offset += bytesWritten;
    }
    this.bytesWritten += bytes.length;
  }

  async writeAt(position: number, bytes: Uint8Array): Promise<void> {
    if (!this.seekable) throw new Error('output is not seekable');
    for (let offset = 0; offset < bytes.length;) {
      const { bytesWritten } = await this.handle.write(
        bytes,
        offset,
        bytes.length - offset,
        position + offset,
      );
      offset += bytesWritten;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

class StreamSink implements OutputSink {
  readonly seekable = false;
  bytesWritten = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    // A reader that goes away (EPIPE) also fails the pending write, which reports it; without a
    // listener the stream's 'error' event would crash the process first.
    stream.on('error', () => undefined);
  }

  write(bytes: Uint8Array): Promise<void> {
    this.bytesWritten += bytes.length;
    return new Promise((resolve, reject) =>
      this.stream.write(bytes, (err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }

  writeAt(): Promise<void> {
    return Promise.reject(new Error('output is not seekable'));
  }

  /** stdout stays open (the process owns it); everything was already handed over by `write`. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Opens (creates or truncates) `target`, or wraps `stdout` for '-'. */
export async function openOutput(target: string, stdout: NodeJS.WritableStream): Promise<OutputSink> {
  if (target === '-') return new StreamSink(stdout);
  const handle = await open(target, 'w');
  try {
    const stats = await handle.stat();
    return new FileSink(handle, stats.isFile());
  } catch (err) {
    await handle.close();
    throw err;
  }
}
