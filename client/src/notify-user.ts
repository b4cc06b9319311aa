import * as vscode from 'vscode';
import type { Summary } from './summaries';

/** Shows a summary with the buttons it calls for: the setting it names, the log it points at. */
export async function showSummary(s: Summary): Promise<void> {
  const buttons = [...(s.setting ? ['Open Settings'] : []), ...(s.log ? ['Show Log'] : [])];
  const show = s.severity === 'error' ? vscode.window.showErrorMessage : s.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(s.message, ...buttons);
  if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', s.setting);
  if (choice === 'Show Log' && s.log) await vscode.window.showTextDocument(vscode.Uri.file(s.log), { preview: true });
}
