// Who is signed in. The token lives in memory, and in this tab's sessionStorage only when the user
// asks to stay signed in; it never goes into a URL. In read-only local mode there is no token.
const KEY = "grcgraph.token";
let token = null;
let viewer = null;
const listeners = new Set();

function notify() {
  for (const listener of listeners) listener();
}

// Read-only local mode (the page says so): the server answers without a token.
const LOCAL = document.querySelector('meta[name="grcgraph-sign-in"]')?.content === "local";

export const session = {
  local: LOCAL,
  token() {
    return token;
  },
  viewer() {
    return viewer;
  },
  canEdit() {
    return Boolean(viewer && (viewer.role === "EDITOR" || viewer.role === "ADMIN"));
  },
  restore() {
    try {
      token = window.sessionStorage.getItem(KEY);
    } catch (error) {
      token = null;
    }
    return token;
  },
  signIn(newToken, newViewer, remember) {
    token = newToken;
    viewer = newViewer;
    try {
      if (remember && newToken) window.sessionStorage.setItem(KEY, newToken);
      else window.sessionStorage.removeItem(KEY);
    } catch (error) {
      /* storage refused: the token stays in memory */
    }
    notify();
  },
  signOut(reason = null) {
    token = null;
    viewer = null;
    this.reason = reason;
    try {
      window.sessionStorage.removeItem(KEY);
    } catch (error) {
      /* nothing stored */
    }
    notify();
  },
  expired(message) {
    if (viewer && viewer.tokenId) this.signOut(message);
  },
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  reason: null,
};
