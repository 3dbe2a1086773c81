// Which chunks of a raw file hold data at all. Sparse volumes are mostly holes: asking the
// filesystem (qemu-img map uses SEEK_DATA/SEEK_HOLE) lets a backup skip them without reading.
import { run } from '../../../platform/run.js';

/** Per chunk index, whether any byte of it may be data; null when the file's map is unavailable (read every chunk). */
export async function chunksWithData(rawPath: string, sizeBytes: number, chunkBytes: number): Promise<boolean[] | null> {
  let extents: Array<{ start: number; length: number; data: boolean }>;
  try {
    // -U: the file may be a raw volume open in QEMU; the map is only a hint to skip reading holes.
    extents = JSON.parse(await run('qemu-img', ['map', '--output=json', '-f', 'raw', '-U', rawPath]));
  } catch {
    return null;
  }
  const marks = new Array<boolean>(Math.ceil(sizeBytes / chunkBytes)).fill(false);
  for (const e of extents) {
    if (!e.data || e.length <= 0) continue;
    const last = Math.min(marks.length - 1, Math.floor((e.start + e.length - 1) / chunkBytes));
    for (let i = Math.floor(e.start / chunkBytes); i <= last; i++) marks[i] = true;
  }
  return marks;
}
