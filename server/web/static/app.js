// The workbench shell: sign-in (or read-only local mode), navigation, and the current page.
import { html, render, useState, useEffect, useRef } from "./lib/html.js";
import { gql, ApiError } from "./lib/api.js";
import { session } from "./lib/session.js";
import { parse, href } from "./lib/router.js";
import { Loading, ErrorNotice, TextField } from "./lib/ui.js";
import { PAGES } from "./pages/index.js";

const VIEWER = "{ viewer { workspace role tokenId } }";
const modules = new Map();

function useRoute() {
  const [route, setRoute] = useState(parse());
  useEffect(() => {
    const changed = () => setRoute(parse());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function SignIn({ onSignedIn }) {
  const [token, setToken] = useState("");
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    session.signIn(token.trim(), null, false);
    try {
      const data = await gql(VIEWER);
      session.signIn(token.trim(), data.viewer, remember);
      onSignedIn();
    } catch (failure) {
      session.signOut();
      setError(failure.code === "UNAUTHENTICATED" ? "This token is not valid (unknown, mistyped or revoked)." : failure.message);
    } finally {
      setBusy(false);
    }
  }
  return html`<main class="signin" id="main">
    <form class="card signin-card" onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">grcgraph workbench</h1>
      <p>Sign in with an API token. <code>grcgraph token create --role editor</code> prints one.</p>
      ${session.reason && html`<div class="notice" role="status">Signed out: ${session.reason}</div>`}
      <${TextField} name="token" label="API token" type="password" value=${token} onInput=${setToken} error=${error}
        autocomplete="current-password" hint="Kept in this page's memory; never put in an address." />
      <div class="check">
        <input type="checkbox" id="remember" checked=${remember} onChange=${(e) => setRemember(e.currentTarget.checked)} />
        <label for="remember">Stay signed in in this browser tab (session storage, cleared when the tab closes)</label>
      </div>
      <button type="submit" class="primary" disabled=${busy || !token.trim()}>${busy ? "Signing in…" : "Sign in"}</button>
      <p class="muted small">GraphiQL for writing queries: <a href="/graphql">/graphql</a></p>
    </form>
  </main>`;
}

function Nav({ route }) {
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [route.name, route.arg]);
  const current = route.name.startsWith("evidence") ? "evidence" : route.name;
  return html`<nav class="main-nav" aria-label="Pages">
    <button type="button" class="menu-toggle" aria-expanded=${open} aria-controls="nav-list" onClick=${() => setOpen(!open)}>Menu</button>
    <ul id="nav-list" class=${open ? "open" : ""}>
      ${PAGES.filter((p) => p.nav).map(
        (p) => html`<li><a href=${href(p.name)} aria-current=${current === p.name ? "page" : undefined}>${p.title}</a></li>`,
      )}
    </ul>
  </nav>`;
}

function Page({ route }) {
  const entry = PAGES.find((p) => p.name === route.name);
  // Held as {Component}: a function handed to useState would be called as an initialiser.
  const [loaded, setLoaded] = useState(entry && modules.has(entry.name) ? { Component: modules.get(entry.name) } : null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!entry) return;
    if (modules.has(entry.name)) {
      setLoaded({ Component: modules.get(entry.name) });
      return;
    }
    setLoaded(null);
    entry.load().then(
      (module) => {
        modules.set(entry.name, module.default);
        setLoaded({ Component: module.default });
      },
      (failure) => setError(new ApiError("LOAD", `the page could not be loaded: ${failure.message}`)),
    );
  }, [entry && entry.name]);
  useEffect(() => {
    if (entry) document.title = `${entry.title} · grcgraph`;
  }, [entry && entry.name, route.arg]);
  if (!entry) return html`<${ErrorNotice} error=${new ApiError("NOT_FOUND", `no page ${route.name}`)} />`;
  if (error) return html`<${ErrorNotice} error=${error} />`;
  if (!loaded) return html`<${Loading} what="Opening the page" />`;
  const { Component } = loaded;
  return html`<${Component} key=${`${route.name}/${route.arg}`} arg=${route.arg} params=${route.params} route=${route} />`;
}

function Shell({ route }) {
  const viewer = session.viewer();
  const main = useRef(null);
  const first = useRef(true);
  useEffect(() => {
    // After a navigation, move the focus to the new page's heading for keyboard and screen-reader users.
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => {
      const heading = document.getElementById("page-title");
      if (heading) heading.focus({ preventScroll: false });
    }, 50);
    return () => clearTimeout(timer);
  }, [route.name, route.arg]);
  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      main.current && main.current.focus();
    }}>Skip to content</a>
    <header class="top">
      <a class="brand" href=${href("overview")}><img src="/static/icon.svg" alt="" width="24" height="24" /> grcgraph</a>
      <${Nav} route=${route} />
      <div class="who">
        <span class="badge" title="Workspace and role">${viewer.workspace} · ${viewer.role.toLowerCase()}${viewer.tokenId ? "" : " (local, read-only)"}</span>
        <a href="/graphql" class="quiet">GraphiQL</a>
        ${viewer.tokenId && html`<button type="button" class="quiet" onClick=${() => session.signOut()}>Sign out</button>`}
      </div>
    </header>
    <main id="main" ref=${main} tabindex="-1"><${Page} route=${route} /></main>
  </div>`;
}

function App() {
  const route = useRoute();
  const [, setTick] = useState(0);
  const [state, setState] = useState("starting"); // starting | signin | ready
  useEffect(() => session.subscribe(() => setTick((t) => t + 1)), []);
  useEffect(() => {
    // Without a token the server answers only in read-only local mode (the page says which); else sign in.
    if (!session.restore() && !session.local) {
      setState("signin");
      return;
    }
    gql(VIEWER).then(
      (data) => {
        session.signIn(session.token(), data.viewer, Boolean(session.token()));
        setState("ready");
      },
      () => {
        session.signOut();
        session.reason = null;
        setState("signin");
      },
    );
  }, []);
  if (state === "starting") return html`<${Loading} what="Starting" />`;
  if (!session.viewer()) return html`<${SignIn} onSignedIn=${() => setState("ready")} />`;
  return html`<${Shell} route=${route} />`;
}

render(html`<${App} />`, document.getElementById("app"));
