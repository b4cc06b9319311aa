import { ErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { PARAMS, type ParamType, type RequestMethod, type RequestParams, type RequestResult } from '../protocol';

/**
 * The server survives its own faults. A request handler that throws is answered with an error by the
 * JSON-RPC layer; this catches what runs outside a handler (timers, promise chains) so one bad
 * document never takes the server down for the others.
 */
export function installFaultHandlers(connection: Connection): void {
  const report = (what: string) => (err: unknown) => {
    try {
      connection.console.error(`gitoverlay: ${what} (the server keeps running): ${(err as Error)?.stack ?? String(err)}`);
    } catch {
      /* the connection is gone: nothing to tell */
    }
  };
  process.on('uncaughtException', report('internal error'));
  process.on('unhandledRejection', report('unhandled rejection'));
}

type Shape = Record<string, ParamType>;

/** The parameters of one of our requests, checked: a clear InvalidParams error instead of a TypeError. */
export function checkParams<T>(method: string, params: unknown, shape: Shape): T {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `${method}: expected an object of parameters`);
  }
  const p = params as Record<string, unknown>;
  for (const [key, type] of Object.entries(shape)) {
    const value = p[key];
    const optional = type.endsWith('?');
    if (value === undefined && optional) continue;
    const base = type.replace('?', '');
    const ok = base === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === base;
    if (!ok) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: "${key}" must be a ${base.replace('[]', ' array')}`);
  }
  return params as T;
}

/** One of our requests' parameters, checked against its shape in protocol.ts. */
function paramsOf<M extends RequestMethod>(method: M, raw: unknown): RequestParams<M> {
  const shape = PARAMS[method];
  return shape ? checkParams<RequestParams<M>>(method, raw, shape) : (undefined as RequestParams<M>);
}

/** Registers the handler of one of our requests (protocol.ts), its parameters checked first. */
export function onRequest<M extends RequestMethod>(
  connection: Connection,
  method: M,
  handler: (params: RequestParams<M>) => RequestResult<M> | Promise<RequestResult<M>>,
): void {
  // Typed here, once: the JSON-RPC layer takes any result.
  connection.onRequest(method, async (raw: unknown): Promise<unknown> => handler(paramsOf(method, raw)));
}

/**
 * An action (build, revert, push: what the palette commands and the Builds view run): every failure,
 * bad parameters included, comes back as `{ error }`, the answer those commands show.
 */
export function onAction<M extends RequestMethod>(
  connection: Connection,
  method: M,
  handler: (params: RequestParams<M>, token: CancellationToken) => Promise<Exclude<RequestResult<M>, { error: string }>>,
): void {
  connection.onRequest(method, async (raw: unknown, token: CancellationToken): Promise<unknown> => {
    try {
      return await handler(paramsOf(method, raw), token);
    } catch (err) {
      return { error: (err as Error).message };
    }
  });
}
