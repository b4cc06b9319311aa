import type { LanguageClient } from 'vscode-languageclient/node';
import type { Notifications, RequestMethod, RequestParams, RequestResult } from '../../server/src/protocol';

export { failed } from '../../server/src/protocol';
export type * from '../../server/src/protocol';

/** One of gitoverlay's requests (server/src/protocol.ts), typed by its method. */
export function request<M extends RequestMethod>(
  client: LanguageClient,
  method: M,
  ...params: RequestParams<M> extends undefined ? [] : [RequestParams<M>]
): Promise<RequestResult<M>> {
  return client.sendRequest(method, params[0]) as Promise<RequestResult<M>>;
}

/** One of gitoverlay's notifications, typed by its method. */
export function notify<M extends keyof Notifications>(client: LanguageClient, method: M, ...params: Notifications[M] extends undefined ? [] : [Notifications[M]]): Promise<void> {
  return client.sendNotification(method, params[0]);
}

/** Listens to one of the server's notifications, typed by its method. */
export function onNotification<M extends keyof Notifications>(client: LanguageClient, method: M, handler: (params: Notifications[M]) => void): { dispose(): void } {
  return client.onNotification(method, handler);
}
