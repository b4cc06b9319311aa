import type { JsonPath } from '../types';


/** Offsets of a node in the text. */
export interface Span {
  start: number;
  end: number;
}

export interface ScalarInfo {
  /** Plain (unquoted, not a block scalar)? */
  plain: boolean;
  /** The text as written. */
  source: string;
}

/** The way back from a JSON path to the YAML text, whichever parser built the document. */
export interface Locator {
  /** The value node at `path` (possibly empty: `key:` without a value), or null if the path is absent. */
  value(path: JsonPath): Span | null;
  /** The key of the pair whose value is at `path` (last segment a mapping key), or null. */
  key(path: JsonPath): Span | null;
  /** The first key of the mapping at `path`, or null. */
  firstKey(path: JsonPath): Span | null;
  scalar(path: JsonPath): ScalarInfo | null;
  /** The innermost node at `offset`: its path, and whether the offset is on a mapping key. */
  nodeAt(offset: number): NodeAtOffset | null;
}

export interface NodeAtOffset {
  path: (string | number)[];
  /** On the key of the pair at `path` (else on its value). */
  onKey: boolean;
  span: Span;
}
