import { CORE_SCHEMA, FAILSAFE_SCHEMA, loadAll, Type } from 'js-yaml';
import type { JsonPath } from '../types';
import type { Locator, NodeAtOffset, ScalarInfo, Span } from './locator';

/**
 * Fast path for well-formed YAML: js-yaml builds the values about ten times faster than the
 * error-tolerant parser, and its node listener gives every node's place in the text. Anything
 * unusual (a syntax error, anchors, tags, complex keys) makes this path decline, and the caller
 * uses the full parser instead, so both paths agree on every document they both accept.
 */

/** libmodulemd reads only `true`/`false` as booleans; `True`, `yes` stay text. */
const strictBool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data === 'true' || data === 'false',
  construct: (data: string) => data === 'true',
  predicate: (o: unknown) => typeof o === 'boolean',
});

/** YAML 1.2 core schema (as the `yaml` package reads it), with the strict booleans above. */
export const SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: (CORE_SCHEMA as unknown as { implicit: Type[] }).implicit.map((t) =>
    (t as unknown as { tag: string }).tag === 'tag:yaml.org,2002:bool' ? strictBool : t,
  ),
});

interface PNode {
  s: number;
  e: number;
  kind: string | null;
  value: unknown;
  children: PNode[];
  index?: Map<string, number>;
}

class Decline extends Error {}

/**
 * Anchors, aliases and tags are left to the full parser (which also bounds alias expansion). They are
 * found on the nodes js-yaml reports, not by a search of the text: a `*` or `&` in prose ("runs on
 * *nix") must not send a whole modules.yaml to the slower parser.
 */
const PROPERTY = new Set(['&', '*', '!']);

export interface FastDocument {
  value: unknown;
  start: number;
  end: number;
  locator: Locator;
}

function skipBlankAndComments(text: string, s: number, limit: number): number {
  for (;;) {
    while (s < limit && (text[s] === ' ' || text[s] === '\t' || text[s] === '\n' || text[s] === '\r')) s++;
    if (s < limit && text[s] === '#') {
      while (s < limit && text[s] !== '\n') s++;
      continue;
    }
    return s;
  }
}

function trimEnd(text: string, s: number, e: number): number {
  while (e > s && (text[e - 1] === ' ' || text[e - 1] === '\t' || text[e - 1] === '\n' || text[e - 1] === '\r')) e--;
  return e;
}

/** Parses `text` with js-yaml, or returns null when the full parser must be used. */
export function parseFast(text: string): FastDocument[] | null {
  const roots: PNode[] = [];
  const stack: PNode[] = [];
  let values: unknown[];
  try {
    values = loadAll(text, undefined, {
      schema: SCHEMA,
      json: false,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ s: state.position, e: state.position, kind: null, value: undefined, children: [] });
          return;
        }
        let node = stack.pop()!;
        node.e = state.position;
        if (PROPERTY.has(text[skipBlankAndComments(text, node.s, node.e)])) throw new Decline('anchor, alias or tag');
        node.kind = state.kind;
        node.value = state.result;
        // Block sequence entries are composed twice, nested; keep the inner one.
        if (node.children.length === 1 && node.children[0].value === node.value && node.children[0].kind === node.kind) {
          node = node.children[0];
        }
        if (node.kind === 'mapping' && node.children.length % 2 !== 0) {
          // A block mapping ends with an attempt at one more key that found nothing (`...`, dedent).
          const last = node.children[node.children.length - 1];
          if (last.kind === null && last.value === null) node.children.pop();
          else throw new Decline('flow mapping key without value');
        }
        const parent = stack[stack.length - 1];
        (parent ? parent.children : roots).push(node);
      },
    });
  } catch {
    return null;
  }
  if (roots.length !== values.length) return null;
  return roots.map((root, i) => new FastLocatorDoc(text, root, values[i]).result());
}

class FastLocatorDoc implements Locator {
  constructor(
    private readonly text: string,
    private readonly root: PNode,
    private readonly docValue: unknown,
  ) {}

  result(): FastDocument {
    const s = skipBlankAndComments(this.text, this.root.s, this.root.e);
    return { value: this.docValue, start: s, end: this.root.e, locator: this };
  }

  private span(n: PNode): Span {
    const s = skipBlankAndComments(this.text, n.s, n.e);
    return { start: s, end: Math.max(s, trimEnd(this.text, s, n.e)) };
  }

  private child(n: PNode, seg: string | number): { key?: PNode; node: PNode } | null {
    if (n.kind === 'mapping') {
      const want = String(seg);
      if (n.children.length > 32) {
        if (!n.index) {
          n.index = new Map();
          for (let i = 0; i < n.children.length; i += 2) if (!n.index.has(String(n.children[i].value))) n.index.set(String(n.children[i].value), i);
        }
        const i = n.index.get(want);
        return i === undefined ? null : { key: n.children[i], node: n.children[i + 1] };
      }
      for (let i = 0; i < n.children.length; i += 2) {
        if (String(n.children[i].value) === want) return { key: n.children[i], node: n.children[i + 1] };
      }
      return null;
    }
    if (n.kind === 'sequence' && typeof seg === 'number') {
      const c = n.children[seg];
      return c ? { node: c } : null;
    }
    return null;
  }

  private walk(path: JsonPath): { key?: PNode; node: PNode } | null {
    let cur: { key?: PNode; node: PNode } = { node: this.root };
    for (const seg of path) {
      const next = this.child(cur.node, seg);
      if (!next) return null;
      cur = next;
    }
    return cur;
  }

  value(path: JsonPath): Span | null {
    const w = this.walk(path);
    return w ? this.span(w.node) : null;
  }

  key(path: JsonPath): Span | null {
    const w = this.walk(path);
    return w?.key ? this.span(w.key) : null;
  }

  firstKey(path: JsonPath): Span | null {
    const w = this.walk(path);
    return w && w.node.kind === 'mapping' && w.node.children.length ? this.span(w.node.children[0]) : null;
  }

  nodeAt(offset: number): NodeAtOffset | null {
    const path: (string | number)[] = [];
    let node = this.root;
    let found: NodeAtOffset | null = null;
    const inside = (sp: Span): boolean => offset >= sp.start && offset <= sp.end;
    for (;;) {
      let next: PNode | undefined;
      if (node.kind === 'mapping') {
        for (let i = 0; i + 1 < node.children.length; i += 2) {
          const k = this.span(node.children[i]);
          if (inside(k)) return { path: [...path, String(node.children[i].value)], onKey: true, span: k };
          const v = this.span(node.children[i + 1]);
          if (v.end > v.start && inside(v)) {
            path.push(String(node.children[i].value));
            next = node.children[i + 1];
            found = { path: [...path], onKey: false, span: v };
            break;
          }
        }
      } else if (node.kind === 'sequence') {
        for (let i = 0; i < node.children.length; i++) {
          const v = this.span(node.children[i]);
          if (inside(v)) {
            path.push(i);
            next = node.children[i];
            found = { path: [...path], onKey: false, span: v };
            break;
          }
        }
      }
      if (!next) return found ?? (inside(this.span(this.root)) ? { path: [], onKey: false, span: this.span(this.root) } : null);
      node = next;
    }
  }

  scalar(path: JsonPath): ScalarInfo | null {
    const w = this.walk(path);
    if (!w || (w.node.kind !== 'scalar' && w.node.kind !== null)) return null;
    const sp = this.span(w.node);
    const source = this.text.slice(sp.start, sp.end);
    const c = source[0];
    return { plain: c !== '"' && c !== "'" && c !== '|' && c !== '>', source };
  }
}
