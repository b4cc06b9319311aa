import * as vscode from 'vscode';

const MANAGE = 'Manage Workspace Trust';

/**
 * Commands that run programs (git, rpmbuild) are refused in an untrusted workspace, saying why; true when
 * refused. E.g. refusedUntrusted('not building', 'a build runs git and rpmbuild') shows "gitoverlay: not
 * building, this workspace is not trusted (a build runs git and rpmbuild)." with a button to VS Code's
 * trust editor.
 */
export function refusedUntrusted(refusal: string, because: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window
    .showWarningMessage(`gitoverlay: ${refusal}, this workspace is not trusted (${because}).`, MANAGE)
    .then((choice) => (choice === MANAGE ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return true;
}
