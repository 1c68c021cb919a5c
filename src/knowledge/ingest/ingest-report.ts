/** What an ingest did, by document source. */
export interface IngestReport {
  /** New documents. */
  readonly added: string[];
  /** Documents whose bytes changed: their chunks were replaced. */
  readonly updated: string[];
  /** Documents no longer in the folder: their chunks were removed. */
  readonly removed: string[];
  /** Documents whose bytes did not change: nothing written. */
  readonly unchanged: string[];
  /** Files of a format we do not read. */
  readonly skipped: string[];
  /** Documents that could not be read, parsed or embedded; their previous version (if any) stays. */
  readonly failed: { source: string; error: string }[];
  /** Chunks written (of the added and updated documents). */
  chunks: number;
}

export function emptyReport(): IngestReport {
  return { added: [], updated: [], removed: [], unchanged: [], skipped: [], failed: [], chunks: 0 };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
