/**
 * Turns a drop or a file input's selection into SourceFiles with paths relative to what the user picked.
 * Dropped folders are walked with the File System entries API (webkitGetAsEntry), so a folder holding
 * model.json and its shards arrives as 'folder/model.json', 'folder/group1-shard1of1.bin'.
 */
import type { SourceFile } from './source-file';

/**
 * Collects the files of a drop. Must be called synchronously inside the drop handler: the DataTransfer's items
 * are emptied once the handler returns, so the entries are taken first and read afterwards.
 */
export function filesFromDrop(data: DataTransfer): Promise<SourceFile[]> {
  const items = Array.from(data.items ?? []).filter((item) => item.kind === 'file');
  if (items.length === 0) {
    return Promise.resolve(Array.from(data.files ?? [], (file) => ({ name: file.name, blob: file })));
  }
  // Both are taken now; an entry is null for files the browser cannot walk (e.g. built in script), hence the file.
  const taken = items.map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  return Promise.all(
    taken.map(({ entry, file }) => {
      if (entry !== null) return walk(entry);
      return Promise.resolve(file === null ? [] : [{ name: file.name, blob: file }]);
    }),
  ).then((lists) => lists.flat());
}

/** Files chosen with an <input type=file>, keeping folder-relative paths when it was a directory picker. */
export function filesFromInput(list: FileList | null): SourceFile[] {
  return Array.from(list ?? [], (file) => ({ name: file.webkitRelativePath || file.name, blob: file }));
}

async function walk(entry: FileSystemEntry): Promise<SourceFile[]> {
  const name = entry.fullPath.replace(/^\/+/, '') || entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ name, blob: file }];
  }
  if (!entry.isDirectory) return [];
  const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
  const lists = await Promise.all(children.map(walk));
  return lists.flat();
}

/** readEntries returns at most 100 entries per call: keep calling until it returns none. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
