// GraphiQL on files served by grcgraph itself. The token of a workbench sign-in kept in this tab
// (session storage) is sent as the Authorization header; headers typed in GraphiQL's pane are
// added to it and are not stored.
(function () {
  const EXAMPLE = `# grcgraph GraphQL API. Run with Ctrl-Enter.
# Without a workbench sign-in in this tab, put {"Authorization": "Bearer <token>"} in the Headers pane.
{ viewer { workspace role } frameworks { prefix name requirementCount } }
`;
  const headers = {};
  try {
    const token = window.sessionStorage.getItem("grcgraph.token");
    if (token) headers.Authorization = `Bearer ${token}`;
  } catch (error) {
    /* no storage: headers come from the pane */
  }
  const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0], headers });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  function App() {
    return React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: EXAMPLE,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    });
  }
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
