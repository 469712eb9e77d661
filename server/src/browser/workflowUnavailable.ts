// What a workflow request answers in the browser (vscode.dev, github.dev): the web worker has no store,
// no keys, and the remote backend's HTTP client is Node's (proxy, TLS options), so no workflow runs
// here; the user is told where it does.

export function workflowUnavailable(method: string): string {
  return (
    `${method} does not run in the browser build of CAVRA Policy Studio (vscode.dev, github.dev): it needs the ` +
    'local CAVRA store and signing keys, or a call to a remote CAVRA server. Open the workspace in VS Code on the ' +
    'desktop, or in a remote workspace (Remote - SSH, Dev Containers, Codespaces) whose extension host reaches the ' +
    'CAVRA server. A CAVRA server answers a page on vscode.dev or github.dev only when its $CAVRA_CORS_ORIGINS ' +
    'lists that origin (for example https://vscode.dev; CAVRA SPEC 7). Diagnostics, hovers, rule counts, lint and ' +
    'navigation work here.'
  );
}
