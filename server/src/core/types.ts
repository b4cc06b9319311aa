/** LSP-shaped data used by the whole engine (0-based line, UTF-16 character). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInformation {
  range: Range;
  message: string;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable rule id, e.g. `modulemd.buildafter-cycle`. */
  code: string;
  source: 'gitoverlay';
  message: string;
  /** Machine-readable details for quick fixes (replacement text, missing key...). */
  data?: Record<string, unknown>;
  relatedInformation?: RelatedInformation[];
}

export type JsonPath = ReadonlyArray<string | number>;
