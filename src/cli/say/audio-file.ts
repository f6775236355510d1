/**
 * The output file of one `say` run: frames go through the container to the sink as they arrive. The
 * sink is opened on the first write, so a run refused before any audio (bad token, unknown voice)
 * leaves an existing file untouched; `finish()` always leaves a complete, playable container.
 */
import type { AudioContainer } from './containers.js';
import type { OutputSink } from './output.js';

export class AudioFile {
  private opening: Promise<OutputSink> | undefined;
  private finished = false;

  constructor(
    private readonly container: AudioContainer,
    private readonly openSink: () => Promise<OutputSink>,
  ) {}

  /** Whether anything has been written (or is being opened) yet. */
  get started(): boolean {
    return this.opening !== undefined;
  }

  async frame(payload: Uint8Array, sentenceEnd: boolean): Promise<void> {
    const sink = await this.open();
    const bytes = this.container.frame(payload, sentenceEnd);
    if (bytes.length > 0) await sink.write(bytes);
  }

  /** Ends the container (patching sizes into the header where it can) and closes; returns bytes written. */
  async finish(): Promise<number> {
    const sink = await this.open();
    if (this.finished) return sink.bytesWritten;
    this.finished = true;
    try {
      await sink.write(this.container.trailer());
      const header = this.container.finalHeader();
      if (header && sink.seekable) await sink.writeAt(0, header);
    } finally {
      await sink.close();
    }
    return sink.bytesWritten;
  }

  private open(): Promise<OutputSink> {
    this.opening ??= this.openSink().then(async (sink) => {
      await sink.write(this.container.header());
      return sink;
    });
    return this.opening;
  }
}
