import type { JsonPath } from '../types';

/** A JSON Schema node as our schemas write them (draft-07, local `$ref`s only). */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  description?: string;
  markdownDescription?: string;
  definitions?: Record<string, SchemaNode>;
  [k: string]: unknown;
}

/** Follows a local `$ref` (`#/definitions/x`), keeping the referring node's own descriptions. */
export function resolveRef(root: SchemaNode, node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let guard = 0; n?.$ref && guard < 8; guard++) {
    const m = /^#\/definitions\/(.+)$/.exec(n.$ref);
    const target = m ? root.definitions?.[m[1]] : undefined;
    if (!target) return n;
    n = { ...target, description: n.description ?? target.description, markdownDescription: n.markdownDescription ?? target.markdownDescription };
  }
  return n;
}

/** The schema that describes the value at `path`, or undefined where the schema says nothing. */
export function schemaAt(root: SchemaNode, path: JsonPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = resolveRef(root, root);
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = resolveRef(root, node.items);
    else {
      const own = node.properties?.[seg];
      node = resolveRef(root, own ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined));
    }
  }
  return node;
}

export function types(node: SchemaNode | undefined): string[] {
  if (!node?.type) return [];
  return Array.isArray(node.type) ? node.type : [node.type];
}

/** Short type text for completion details and hovers. */
export function typeLabel(node: SchemaNode | undefined): string {
  const t = types(node);
  if (node?.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (t.includes('array')) {
    const item = types(node?.items);
    return item.length ? `list of ${item.join(' | ')}` : 'list';
  }
  if (t.includes('object') && !node?.properties && typeof node?.additionalProperties === 'object') return 'mapping';
  return t.join(' | ') || 'any';
}
