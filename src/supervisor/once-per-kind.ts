/** Remembers which kinds of warning a run has shown: each kind is shown once, not once per process or spawn. */
export class OncePerKind {
  private readonly seen = new Set<string>();

  /** True the first time `kind` is asked about. */
  first(kind: string): boolean {
    if (this.seen.has(kind)) return false;
    this.seen.add(kind);
    return true;
  }
}
