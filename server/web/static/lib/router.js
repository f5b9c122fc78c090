// Hash routes: #/page/argument?param=value. Every view is a bookmarkable address; no token or
// secret is ever put in one.
export function parse(hash = window.location.hash) {
  const text = hash.replace(/^#\/?/, "");
  const [pathPart, queryPart = ""] = text.split("?");
  const [name = "", ...rest] = pathPart.split("/");
  const arg = rest.length ? decodeURIComponent(rest.join("/")) : null;
  const params = Object.fromEntries(new URLSearchParams(queryPart));
  return { name: name || "overview", arg, params };
}

export function href(name, arg = null, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== "" && v !== false));
  const tail = query.toString();
  return `#/${name}${arg !== null && arg !== undefined ? "/" + encodeURIComponent(arg) : ""}${tail ? "?" + tail : ""}`;
}

export function go(name, arg = null, params = {}, { replace = false } = {}) {
  const target = href(name, arg, params);
  if (replace) window.history.replaceState(null, "", target);
  else window.location.hash = target;
  if (replace) window.dispatchEvent(new HashChangeEvent("hashchange"));
}
