import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type ReadOutcome = { readonly text: string } | { readonly missing: true } | { readonly failure: string };

/**
 * Reads files of one bot folder by relative path and remembers every file it read, so the
 * content hash covers exactly what the bot was built from.
 */
export class BotFileReader {
  private readonly contents = new Map<string, string>();

  constructor(readonly root: string) {}

  async read(relativePath: string): Promise<ReadOutcome> {
    try {
      const text = await readFile(this.absolute(relativePath), 'utf8');
      this.contents.set(relativePath, text);
      return { text };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
      if (code === 'EISDIR') return { failure: 'it is a folder, not a file' };
      return { failure: (error as Error).message };
    }
  }

  /** Relative paths of the YAML files directly inside a folder, sorted; none if the folder is missing. */
  async listYaml(relativeDirectory: string): Promise<string[]> {
    return (await this.listFiles(relativeDirectory)).filter((name) => /\.ya?ml$/i.test(name));
  }

  /** Relative paths of the files directly inside a folder, sorted; none if the folder is missing. */
  async listFiles(relativeDirectory: string): Promise<string[]> {
    try {
      const entries = await readdir(this.absolute(relativeDirectory), { withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile() || entry.isSymbolicLink())
        .map((entry) => (relativeDirectory === '' || relativeDirectory === '.' ? entry.name : `${relativeDirectory}/${entry.name}`))
        .sort();
    } catch {
      return [];
    }
  }

  /** Normalises a path an author wrote (e.g. in bot.yaml) to one inside the folder, or null if it leaves it. */
  inside(relativePath: string): string | null {
    const absolute = path.resolve(this.root, relativePath);
    const relative = path.relative(path.resolve(this.root), absolute);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
    return relative.split(path.sep).join('/');
  }

  /** SHA-256 over the sorted relative paths and contents of every file read so far. */
  contentHash(): string {
    const hash = createHash('sha256');
    for (const relativePath of [...this.contents.keys()].sort()) {
      // Lengths delimit the parts, so no choice of names and contents can collide.
      const text = this.contents.get(relativePath)!;
      hash.update(`${Buffer.byteLength(relativePath)}:${relativePath}\n${Buffer.byteLength(text)}:`);
      hash.update(text);
      hash.update('\n');
    }
    return hash.digest('hex');
  }

  private absolute(relativePath: string): string {
    return path.join(this.root, ...relativePath.split('/'));
  }
}
