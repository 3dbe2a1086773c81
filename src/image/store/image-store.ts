import type { Readable } from 'node:stream';

/** What the store computed while writing an image's data. */
export interface StoredData {
  /** Opaque to everything but the store that wrote it (e.g. `file:///…`). */
  readonly location: string;
  readonly size: number;
  /** Hex MD5 (Glance's `checksum`). */
  readonly md5: string;
  /** Hex SHA-512 (Glance's `os_hash_value`). */
  readonly sha512: string;
}

export interface ByteRange { readonly start: number; readonly end: number }

/** Where image data lives: `file` now, `rbd` later. */
export interface ImageStore {
  readonly name: string;
  /**
   * Streams `data` in without holding it in memory, hashing on the way. The data becomes
   * visible only when complete; if it throws (read error, `expectedSize` not met), nothing it
   * wrote is left behind.
   */
  put(imageId: string, data: Readable, expectedSize?: number): Promise<StoredData>;
  /** A path `qemu-img` can read, for inspection; null if the store has none. */
  localPath(location: string): string | null;
  /** The data, or `range` of it (inclusive offsets). */
  get(location: string, range?: ByteRange): Readable;
  /** Removes partial writes a crash left behind (never complete data). */
  removePartial(): Promise<void>;
  /** Removes the data; resolves if it is already gone, so retries are safe. */
  delete(location: string): Promise<void>;
}

/** Thrown by `put` when the data ends before the declared size: the client's fault, a 400. */
export class TruncatedUpload extends Error {
  constructor(readonly received: number, readonly expected: number) {
    super(`The upload ended after ${received} of ${expected} bytes.`);
  }
}
