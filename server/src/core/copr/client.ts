import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CoprConfig } from './config';

/**
 * Copr's API v3 as copr-frontend serves it (apiv3_ns/*.py) and the official python client calls it
 * (python/copr/v3): HTTP basic auth with (login, token); JSON bodies, except an SRPM upload, which is
 * multipart with a `json` file part holding the form and the `pkgs` file part. Errors are JSON
 * `{"error": ...}` with the status. See docs/copr.md.
 */

export type CoprState = 'importing' | 'pending' | 'starting' | 'running' | 'succeeded' | 'forked' | 'skipped' | 'failed' | 'canceled' | 'waiting' | 'unknown';

/** States after which a build (or build-chroot) changes no more. */
export const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'forked', 'skipped', 'failed', 'canceled']);

export interface CoprBuild {
  id: number;
  state: CoprState;
  ownername: string;
  projectname: string;
  repo_url: string;
  source_package: { name: string | null; version: string | null; url: string | null };
  chroots: string[];
  submitted_on: number | null;
  started_on: number | null;
  ended_on: number | null;
}

export interface CoprBuildChroot {
  name: string;
  state: CoprState;
  result_url: string | null;
  started_on: number | null;
  ended_on: number | null;
}

export interface CoprProject {
  id: number;
  name: string;
  ownername: string;
  full_name: string;
  chroot_repos: Record<string, string>;
}

export interface NEVRA {
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  arch: string;
}

export interface UploadOptions {
  ownername: string;
  projectname: string;
  chroots: string[];
  /** Into the batch of that build. */
  with_build_id?: number;
  /** Into a new batch, processed once the batch of that build is. */
  after_build_id?: number;
  timeout?: number;
  background?: boolean;
}

/** A refusal or failure Copr answered with (status 0: no answer at all, the connection failed). */
export class CoprError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly endpoint: string,
  ) {
    super(message);
  }
  /** Worth asking again: no answer, or the server's own fault. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export class CoprClient {
  private readonly auth: string;
  /** Requests sent (for the bench and the log). */
  requests = 0;

  constructor(
    readonly config: Pick<CoprConfig, 'url' | 'login' | 'token' | 'file'>,
    private readonly signal?: AbortSignal,
  ) {
    this.auth = `Basic ${Buffer.from(`${config.login}:${config.token}`).toString('base64')}`;
  }

  private async send<T>(
    method: string,
    endpoint: string,
    options: { query?: Record<string, string | number>; json?: unknown; form?: FormData; auth?: boolean; /** sent even when the run is cancelled (cancelling it) */ always?: boolean } = {},
  ): Promise<T> {
    const signal = options.always ? AbortSignal.timeout(30_000) : this.signal;
    const url = new URL(`${this.config.url}/api_3${endpoint}`);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { 'User-Agent': 'gitoverlay' };
    if (options.auth !== false) headers.Authorization = this.auth;
    let body: string | FormData | undefined;
    if (options.form) body = options.form;
    else if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    this.requests++;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal });
    } catch (err) {
      if (signal?.aborted && !options.always) throw err;
      throw new CoprError(`cannot reach Copr at ${this.config.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, 0, endpoint);
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const said = data && typeof data === 'object' && 'error' in data ? String((data as { error: unknown }).error) : text.slice(0, 200);
      if (response.status === 401)
        throw new CoprError(`Copr refused the API token of ${this.config.file} (401: ${said}); it may have expired: get a new one at ${this.config.url}/api/ and save it there`, 401, endpoint);
      throw new CoprError(`Copr ${method} ${endpoint}: ${response.status} ${said}`, response.status, endpoint);
    }
    if (data === undefined) throw new CoprError(`Copr ${method} ${endpoint}: the answer is not JSON`, response.status, endpoint);
    return data as T;
  }

  /** Whom the token authenticates (GET /auth-check). */
  authCheck(): Promise<{ name: string }> {
    return this.send('GET', '/auth-check');
  }

  /** The project, or null when it does not exist. */
  async getProject(ownername: string, projectname: string): Promise<CoprProject | null> {
    try {
      return await this.send<CoprProject>('GET', '/project', { query: { ownername, projectname }, auth: false });
    } catch (err) {
      if (err instanceof CoprError && err.status === 404) return null;
      throw err;
    }
  }

  addProject(ownername: string, name: string, chroots: string[], description: string): Promise<CoprProject> {
    return this.send('POST', `/project/add/${encodeURIComponent(ownername)}`, { json: { name, chroots, description } });
  }

  editProject(ownername: string, projectname: string, chroots: string[]): Promise<CoprProject> {
    return this.send('PUT', `/project/edit/${encodeURIComponent(ownername)}/${encodeURIComponent(projectname)}`, { json: { chroots } });
  }

  /** POST /build/create/upload: one build of the SRPM at `srpm` for `options.chroots`. */
  async uploadBuild(srpm: string, options: UploadOptions): Promise<CoprBuild> {
    const form = new FormData();
    const json: Record<string, unknown> = { ownername: options.ownername, projectname: options.projectname, project_dirname: null, chroots: options.chroots };
    for (const k of ['with_build_id', 'after_build_id', 'timeout', 'background'] as const) if (options[k] !== undefined) json[k] = options[k];
    // As the python client: the form is a file part named `json` (the frontend reads request.files["json"]).
    form.append('json', new Blob([JSON.stringify(json)], { type: 'application/json' }), 'json');
    form.append('pkgs', new Blob([await readFile(srpm)], { type: 'application/x-rpm' }), basename(srpm));
    return this.send('POST', '/build/create/upload', { form });
  }

  getBuild(id: number): Promise<CoprBuild> {
    return this.send('GET', `/build/${id}`, { auth: false });
  }

  /** The project's builds; `newest`: only that many, the newest first (one page, as the frontend's Paginator gives it). */
  async listBuilds(ownername: string, projectname: string, packagename?: string, newest?: number): Promise<CoprBuild[]> {
    const query: Record<string, string> = { ownername, projectname };
    if (packagename) query.packagename = packagename;
    if (newest !== undefined) Object.assign(query, { limit: String(newest), order: 'id', order_type: 'DESC' });
    return (await this.send<{ items: CoprBuild[] }>('GET', '/build/list', { query, auth: false })).items;
  }

  async buildChroots(buildId: number): Promise<CoprBuildChroot[]> {
    return (await this.send<{ items: CoprBuildChroot[] }>('GET', '/build-chroot/list', { query: { build_id: buildId }, auth: false })).items;
  }

  /** NEVRA of what each chroot of a build produced (results.json of each chroot). */
  builtPackages(buildId: number): Promise<Record<string, { packages: NEVRA[] }>> {
    return this.send('GET', `/build/built-packages/${buildId}`, { auth: false });
  }

  cancel(buildId: number): Promise<CoprBuild> {
    return this.send('PUT', `/build/cancel/${buildId}`, { always: true });
  }
}
