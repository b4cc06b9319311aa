import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The credentials copr-cli uses: `~/.config/copr`, section `[copr-cli]` with login, username, token
 * and copr_url (Python's configparser: `key = value` or `key: value`, `#`/`;` comments). The token is
 * a secret: nothing here or in its callers logs it.
 */
export interface CoprConfig {
  /** The API login (not the user name). */
  login: string;
  username: string;
  token: string;
  /** e.g. https://copr.fedorainfracloud.org, no trailing slash. */
  url: string;
  /** Where it was read from, for messages. */
  file: string;
}

export class CoprConfigError extends Error {}

/** The default file: $XDG_CONFIG_HOME/copr, else ~/.config/copr (as copr-cli). */
export function defaultCoprConfigFile(): string {
  return join(process.env.XDG_CONFIG_HOME || join(process.env.HOME || homedir(), '.config'), 'copr');
}

/** The sections of a configparser file (keys lower-cased, as configparser does). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  let lastKey: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const section = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      current = sections.get(section[1]) ?? new Map();
      sections.set(section[1], current);
      lastKey = null;
      continue;
    }
    // An indented line continues the previous value.
    if (/^\s/.test(raw) && current && lastKey) {
      current.set(lastKey, `${current.get(lastKey)}\n${raw.trim()}`);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || !current) continue;
    lastKey = kv[1].trim().toLowerCase();
    current.set(lastKey, kv[2].trim());
  }
  return sections;
}

export async function readCoprConfig(file = defaultCoprConfigFile()): Promise<CoprConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CoprConfigError(`no Copr credentials in ${file}: get an API token at <copr_url>/api/ and save it there (the [copr-cli] section copr-cli uses)`);
  }
  const s = parseIni(text).get('copr-cli');
  if (!s) throw new CoprConfigError(`${file} has no [copr-cli] section`);
  const missing = ['login', 'username', 'token'].filter((k) => !s.get(k));
  if (missing.length) throw new CoprConfigError(`${file}: [copr-cli] lacks ${missing.join(', ')}`);
  const url = (s.get('copr_url') || 'https://copr.fedorainfracloud.org').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url)) throw new CoprConfigError(`${file}: copr_url must be an http(s) URL, not '${url}'`);
  return { login: s.get('login')!, username: s.get('username')!, token: s.get('token')!, url, file };
}
