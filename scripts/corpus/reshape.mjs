#!/usr/bin/env node
// Turn a real modulemd document into a stand-in with the same SHAPE and none of its free text.
//   node scripts/corpus/reshape.mjs IN [OUT]
// Every run of letters in a rewritten scalar or comment becomes a synthetic word of the same
// length and case pattern, drawn deterministically from one per-file dictionary, so names stay
// consistent across components, buildafter, profiles, api, rpm-map and artifacts; digits,
// punctuation, quoting, scalar styles, indentation and line breaks are left as they are, so line
// (and column) numbers are those of the original. Kept verbatim: keys (but the names that key
// components, dependencies and rpm-map entries), document/version, stream names, arch names, contexts,
// numbers, booleans, dates, refs, profile names, and the E:V-R.A of NEVRA strings.
import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, Lexer, parseAllDocuments, visit } from 'yaml';
import { wordSynth } from './synth.mjs';

const KEEP_VALUE = new Set([
  'document', 'version', 'mdversion', 'stream', 'arch', 'arches', 'multilib', 'epoch', 'release', 'context',
  'static_context', 'buildorder', 'modified', 'eol', 'eol_date', 'ref', 'platform', 'reset', 'buildonly',
  'buildroot', 'srpm-buildroot', 'default', 'obsoleted_by_module_stream',
  // rdgo overlays: values with a meaning to rdgo (spec: internal, patches: keep, refs, booleans)
  'spec', 'patches', 'tag', 'branch', 'freeze', 'srpmroot', 'self-buildrequires', 'build-network',
]);
const SEQ_OF_STREAMS = new Set(['buildrequires', 'requires']); // values (streams) kept, keys (modules) renamed
export function reshapeText(text) {
  const synth = wordSynth();
  const words = (s) => s.replace(/[A-Za-z]+/g, synth);
  // double-quoted scalars: leave escape sequences alone
  const wordsDq = (s) => s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])|([A-Za-z]+)/g, (m, esc, w) => (esc ? m : synth(w)));

  function nevra(s) {
    // N-E:V-R.A, N-V-R.A, or N alone: only N is renamed
    const m = /^(.+?)(-\d+:[^\s]*|-[0-9][^\s-]*-[^\s-]+\.[A-Za-z0-9_]+)$/.exec(s);
    return m ? words(m[1]) + m[2] : words(s);
  }

  const edits = []; // [start, end, transform]
  const docs = parseAllDocuments(text, { keepSourceTokens: true, uniqueKeys: false, strict: false });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const docType = doc.contents && isMap(doc.contents) ? String(doc.contents.get('document') ?? '') : '';
    visit(doc, {
      Scalar(_key, node, path) {
        if (!node.range || typeof node.value !== 'string') return;
        if (node.type === 'PLAIN' && /^([-+0-9.:TZ_ ]+|true|false|yes|no|null|~)$/i.test(node.source ?? '')) return;
        const keys = [];
        let isKey = false;
        let parentMapKey = null;
        for (let i = 0; i < path.length; i++) {
          const p = path[i];
          if (isPair(p)) {
            keys.push(isScalar(p.key) ? String(p.key.value) : '?');
            if (i === path.length - 1) isKey = p.key === node;
          }
        }
        const last = keys[keys.length - 1];
        const parent = keys[keys.length - 2];
        const top = keys.length === 1;
        if (isKey) {
          // name-keyed mappings: components.rpms/modules.<name>, profiles.<name>, dependency modules
          const owner = last; // key is inside the mapping that is the value of ... keys[-1] is this pair's key itself
          const mapOwner = keys[keys.length - 2];
          const grand = keys[keys.length - 3];
          const rename =
            ((mapOwner === 'rpms' || mapOwner === 'modules') && grand === 'components') ||
            SEQ_OF_STREAMS.has(mapOwner) ||
            (grand === 'rpm-map');
          void owner;
          if (!rename) return;
          edits.push([node.range[0], node.range[1], node.type === 'QUOTE_DOUBLE' ? wordsDq : grand === 'rpm-map' ? nevra : words]);
          return;
        }
        if (top && (last === 'document' || last === 'version')) return;
        if (KEEP_VALUE.has(last)) return;
        if (last === 'src' && node.source === 'distgit') return; // rdgo's marker: the source comes from dist-git
        if (last === 'arches' || parent === 'arches' || last === 'multilib') return;
        if (SEQ_OF_STREAMS.has(parent)) return; // stream names of a dependency
        if (docType.startsWith('modulemd-defaults') && (parent === 'profiles' || last === 'profiles')) return; // profile names kept
        if (parent === 'translations' || keys.includes('translations') && last !== 'summary' && last !== 'description' && !keys.includes('profiles')) {
          if (last !== 'summary' && last !== 'description') return;
        }
        const inNevra = (last === 'rpms' && parent === 'artifacts') || last === 'nevra' || parent === 'rpm-map' || keys.includes('rpm-map') && last === 'nevra';
        const t = inNevra ? (s) => s.replace(/[^\s'"]+/g, nevra) : node.type === 'QUOTE_DOUBLE' ? wordsDq : words;
        edits.push([node.range[0], node.range[1], t]);
      },
    });
  }
  // comments, from the lexer (its control tokens are not in the source)
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (tok.length === 1 && tok.charCodeAt(0) < 0x20 && tok !== '\n' && tok !== '\t') continue;
    if (tok.startsWith('#')) edits.push([offset, offset + tok.length, (s) => '#' + words(s.slice(1))]);
    offset += tok.length;
  }
  edits.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  for (const [s, e, t] of edits) {
    if (s < pos) continue;
    out += text.slice(pos, s) + t(text.slice(s, e));
    pos = e;
  }
  out += text.slice(pos);
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [input, output] = process.argv.slice(2);
  if (!input) {
    console.error('usage: reshape.mjs IN [OUT]');
    process.exit(2);
  }
  const out = reshapeText(readFileSync(input, 'utf8'));
  if (output) writeFileSync(output, out);
  else process.stdout.write(out);
}
