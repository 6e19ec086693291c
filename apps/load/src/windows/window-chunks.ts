/**
 * Runs of at most `size` windows (fewer where a run would split a group; a group larger than `size` is a run
 * of its own), each window once. The cells of one node window form a group and stay in one run, so their
 * samples are read together; groups keep the order in which they first appear.
 */
export function chunkWindows<W extends { cellId: string; start: number }>(windows: readonly W[], servingNode: (cellId: string) => string | undefined, size: number): W[][] {
  if (windows.length <= size) return windows.length === 0 ? [] : [[...windows]];
  const groups = new Map<string, W[]>();
  for (const w of windows) {
    const node = servingNode(w.cellId);
    const group = node === undefined ? `c\u0000${w.cellId}\u0000${w.start}` : `n\u0000${node}\u0000${w.start}`;
    const list = groups.get(group);
    if (list) list.push(w);
    else groups.set(group, [w]);
  }
  const chunks: W[][] = [];
  let chunk: W[] = [];
  for (const group of groups.values()) {
    if (chunk.length > 0 && chunk.length + group.length > size) {
      chunks.push(chunk);
      chunk = [];
    }
    for (const w of group) chunk.push(w);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
