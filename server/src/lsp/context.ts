import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceIndex } from '../core/index/workspace';
import type { ActionService } from './actions';
import type { AutospecService } from './autospec';
import type { BuildrootService } from './buildroot';
import type { OverlayService } from './overlay';
import type { DocumentPipeline } from './pipeline';
import type { Trust } from './trust';

/** What the handlers share (as rust-analyzer's ctx.ts): the connection, the documents, the services. */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  index: WorkspaceIndex;
  pipeline: DocumentPipeline;
  trust: Trust;
  autospec: AutospecService;
  overlays: OverlayService;
  buildroots: BuildrootService;
  actions: ActionService;
}
