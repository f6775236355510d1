/** A file or stream format around the gateway's 20 ms frames, written as the frames arrive. */
export interface AudioContainer {
  /** Bytes before the first frame. */
  header(): Uint8Array;
  /** Bytes for one frame; may be empty until a page fills. `sentenceEnd` lets pages go out promptly. */
  frame(payload: Uint8Array, sentenceEnd?: boolean): Uint8Array;
  /** Bytes that make every frame given so far readable now (an Ogg page); empty when nothing waits. */
  flush(): Uint8Array;
  /** Bytes after the last frame. */
  trailer(): Uint8Array;
  /** The header again with the final sizes, for offset 0 of a seekable output; undefined if unneeded. */
  finalHeader(): Uint8Array | undefined;
}
