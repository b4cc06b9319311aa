import { get, isObject, type DocContext, show } from '../../check/context';
import type { Diagnostic } from '../../types';
import { entriesOf, type Rule } from '../rule';
import { closest } from '../../check/suggest';

const STREAMS = ['modulemd-stream-v2', 'modulemd-packager-v2', 'modulemd-packager-v3'];
const RPMS = ['data', 'components', 'rpms'] as const;

interface Component {
  key: string;
  buildorder: number;
  buildafter: { name: string; index: number }[];
  hasBuildafter: boolean;
}

const memo = new WeakMap<object, Component[]>();

/** The stream's components, read once per document value and shared by the rules below. */
function components(ctx: DocContext): Component[] {
  const rpms = get(ctx.value, RPMS);
  if (typeof rpms !== 'object' || rpms === null) return [];
  let list = memo.get(rpms);
  if (!list) {
    list = readComponents(rpms);
    memo.set(rpms, list);
  }
  return list;
}

function readComponents(rpms: object): Component[] {
  return entriesOf(rpms).map(([key, c]) => {
    const bo = isObject(c) ? c.buildorder : undefined;
    const ba = isObject(c) && Array.isArray(c.buildafter) ? c.buildafter : [];
    return {
      key,
      buildorder: typeof bo === 'number' ? bo : typeof bo === 'string' && /^-?[0-9]+$/.test(bo) ? Number(bo) : 0,
      buildafter: ba.map((name, index) => ({ name: show(name), index })).filter((e) => e.name !== 'undefined'),
      hasBuildafter: isObject(c) && c.buildafter !== undefined && c.buildafter !== null,
    };
  });
}

export const buildorderBuildafterComponent: Rule = {
  id: 'modulemd.buildorder-buildafter-component',
  severity: 'error',
  description: 'A component cannot have both a non-zero buildorder and buildafter (libmodulemd).',
  kinds: STREAMS,
  check(ctx) {
    return components(ctx)
      .filter((c) => c.buildorder !== 0 && c.hasBuildafter)
      .map((c) =>
        ctx.diag(
          this.id,
          this.severity,
          ctx.keyAt([...RPMS, c.key, 'buildorder']),
          `Cannot mix buildorder and buildafter in the same component: '${c.key}' has buildorder ${c.buildorder} and buildafter`,
        ),
      );
  },
};

const names = (keys: string[]): string =>
  keys
    .slice(0, 3)
    .map((k) => `'${k}'`)
    .join(', ') + (keys.length > 3 ? ', …' : '');

export const buildorderBuildafterStream: Rule = {
  id: 'modulemd.buildorder-buildafter-stream',
  severity: 'error',
  description: 'Within one stream, components use either buildorder or buildafter, never both (libmodulemd).',
  kinds: STREAMS,
  check(ctx) {
    const all = components(ctx);
    // A component mixing both is reported by the component rule; this one is about the stream.
    if (all.some((c) => c.buildorder !== 0 && c.hasBuildafter)) return [];
    const ordered = all.filter((c) => c.buildorder !== 0).map((c) => c.key);
    const after = all.filter((c) => c.hasBuildafter).map((c) => c.key);
    if (ordered.length === 0 || after.length === 0) return [];
    // Point at the odd one out: the mechanism fewer components use.
    const onOrder = ordered.length <= after.length;
    const culprit = onOrder ? ordered[0] : after[0];
    return [
      ctx.diag(
        this.id,
        this.severity,
        ctx.keyAt([...RPMS, culprit, onOrder ? 'buildorder' : 'buildafter']),
        `Cannot mix buildorder and buildafter in the same stream: ${names(ordered)} use${ordered.length === 1 ? 's' : ''} buildorder while ${names(after)} use${
          after.length === 1 ? 's' : ''
        } buildafter`,
      ),
    ];
  },
};

export const buildafterUnknown: Rule = {
  id: 'modulemd.buildafter-unknown',
  severity: 'error',
  description: 'Every buildafter entry must name a key of components.rpms (libmodulemd).',
  kinds: STREAMS,
  check(ctx) {
    const all = components(ctx);
    const keys = new Set(all.map((c) => c.key));
    const out: Diagnostic[] = [];
    for (const c of all) {
      for (const e of c.buildafter) {
        if (!keys.has(e.name)) {
          const suggestion = closest(e.name, [...keys].filter((k) => k !== c.key));
          out.push(
            ctx.diag(
              this.id,
              this.severity,
              ctx.valueAt([...RPMS, c.key, 'buildafter', e.index]),
              `Buildafter '${e.name}' not found in components list` + (suggestion ? `; did you mean '${suggestion}'?` : ''),
              suggestion ? { suggestion } : undefined,
            ),
          );
        }
      }
    }
    return out;
  },
};

export const buildafterSelf: Rule = {
  id: 'modulemd.buildafter-self',
  severity: 'error',
  description: 'A component cannot be built after itself (libmodulemd accepts it; the build never starts).',
  kinds: STREAMS,
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const c of components(ctx)) {
      for (const e of c.buildafter) {
        if (e.name === c.key) {
          out.push(
            ctx.diag(this.id, this.severity, ctx.valueAt([...RPMS, c.key, 'buildafter', e.index]), `Component '${c.key}' lists itself in buildafter`),
          );
        }
      }
    }
    return out;
  },
};

/** Strongly connected components of the buildafter graph (iterative Tarjan over integer ids), self-loops excluded. */
function cycles(all: Component[]): string[][] {
  const id = new Map(all.map((c, i) => [c.key, i]));
  const edges = all.map((c, i) => {
    const out: number[] = [];
    for (const e of c.buildafter) {
      const j = id.get(e.name);
      if (j !== undefined && j !== i) out.push(j);
    }
    return out;
  });
  const n = all.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    // Iterative DFS: 5,000-component streams must not overflow the call stack.
    const work: number[] = [root];
    const next: number[] = [0];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const top = work.length - 1;
      const v = work[top];
      if (next[top] < edges[v].length) {
        const w = edges[v][next[top]++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push(w);
          next.push(0);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      next.pop();
      if (work.length) {
        const parent = work[work.length - 1];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const scc: string[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          scc.push(all[w].key);
        } while (w !== v);
        if (scc.length > 1) out.push(scc.reverse());
      }
    }
  }
  return out;
}

/** One shortest loop through `members`, for the message: a → b → c → a. */
function loopThrough(all: Component[], members: string[]): string[] {
  const set = new Set(members);
  const edges = new Map(all.map((c) => [c.key, c.buildafter.map((e) => e.name).filter((n) => set.has(n) && n !== c.key)]));
  const start = [...members].sort()[0];
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (w === start) {
        const path = [v];
        let p = v;
        while (p !== start) {
          p = prev.get(p)!;
          path.push(p);
        }
        return [...path.reverse(), start];
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...members, members[0]];
}

export const buildafterCycle: Rule = {
  id: 'modulemd.buildafter-cycle',
  severity: 'error',
  description:
    'The buildafter graph must be acyclic. libmodulemd does not check this; a cycle leaves the build waiting forever. Each cycle is reported once, on the buildafter entries of its members.',
  kinds: STREAMS,
  check(ctx) {
    const all = components(ctx);
    const out: Diagnostic[] = [];
    for (const scc of cycles(all)) {
      const members = new Set(scc);
      const loop = loopThrough(all, scc);
      const message = `buildafter cycle: ${loop.join(' → ')}; these components can never be built`;
      for (const c of all) {
        if (!members.has(c.key)) continue;
        for (const e of c.buildafter) {
          if (members.has(e.name) && e.name !== c.key) {
            out.push(ctx.diag(this.id, this.severity, ctx.valueAt([...RPMS, c.key, 'buildafter', e.index]), message, { cycle: loop }));
          }
        }
      }
    }
    return out;
  },
};

export const componentArches: Rule = {
  id: 'modulemd.component-arch',
  severity: 'error',
  description: "When buildopts.arches is set, each component's arches must be a subset of it (libmodulemd).",
  kinds: ['modulemd-stream-v2', 'modulemd-packager-v2'],
  check(ctx) {
    const arches = get(ctx.value, ['data', 'buildopts', 'arches']);
    if (!Array.isArray(arches) || arches.length === 0) return [];
    const allowed = new Set(arches.map(show));
    const out: Diagnostic[] = [];
    for (const [key, c] of entriesOf(get(ctx.value, RPMS))) {
      const own = isObject(c) && Array.isArray(c.arches) ? c.arches : [];
      own.forEach((a, i) => {
        if (!allowed.has(show(a))) {
          out.push(
            ctx.diag(
              this.id,
              this.severity,
              ctx.valueAt([...RPMS, key, 'arches', i]),
              `Component rpm '${key}' arch '${show(a)}' not in module buildopts.arches (${[...allowed].join(', ')})`,
            ),
          );
        }
      });
    }
    return out;
  },
};
