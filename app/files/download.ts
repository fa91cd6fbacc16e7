/**
 * Saving bytes as a download: a Blob URL on a temporary link, clicked. The URL is revoked a minute later (revoking
 * at once can cut a large download short in some browsers). Tests replace the saver.
 */

export type Saver = (name: string, bytes: Uint8Array | string, type: string) => void;

function browserSave(name: string, bytes: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

let saver: Saver = browserSave;

/** Downloads `bytes` as a file named `name`. */
export function saveFile(name: string, bytes: Uint8Array | string, type = 'application/octet-stream'): void {
  saver(name, bytes, type);
}

/** Replaces the saver (tests); returns the previous one. */
export function setSaver(next: Saver): Saver {
  const previous = saver;
  saver = next;
  return previous;
}

/** A file-name-safe slug: 'Sample: Fashion-MNIST MLP' -> 'sample-fashion-mnist-mlp'. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/\.(json|zip)$/i, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'model'
  );
}
