/**
 * The workspace's trust: one object the services read (VS Code's restricted mode: gitoverlay validates
 * but runs no program). The client says it at start (initializationOptions) and on every change.
 */
export class Trust {
  trusted = true;

  /** A `gitoverlay/trust` notification: anything but an explicit `trusted: true` means untrusted. */
  receive(params: unknown): void {
    this.trusted = (params as { trusted?: unknown } | null)?.trusted === true;
  }
}
