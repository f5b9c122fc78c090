// The GraphQL client: every read and write of the workbench goes through POST /graphql with the
// session's token, so the server's access rules apply as for any other client.
import { session } from "./session.js";

export class ApiError extends Error {
  constructor(code, message, problems = [], status = 200) {
    super(message);
    this.code = code;
    this.problems = problems; // [{field, message}] from INVALID_INPUT
    this.status = status;
  }

  static from(errors, status) {
    const first = errors[0] || {};
    const problems = errors.flatMap((e) => (e.extensions && e.extensions.problems) || []);
    const message = errors.map((e) => e.message).join("; ");
    return new ApiError((first.extensions && first.extensions.code) || "ERROR", message, problems, status);
  }
}

function headers(extra = {}) {
  const token = session.token();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

export async function gql(query, variables = {}) {
  if (!session.token() && !session.local) {
    // Signed out: nothing to ask the server (it would answer 401), as after signing out mid-request.
    throw new ApiError("UNAUTHENTICATED", "sign in with an API token", [], 401);
  }
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: headers({ "Content-Type": "application/json", Accept: "application/json" }),
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError("NETWORK", "the server does not answer: is grcgraph serve running?");
  }
  let body;
  try {
    body = await response.json();
  } catch (error) {
    throw new ApiError("BAD_RESPONSE", `the server answered ${response.status} without JSON`, [], response.status);
  }
  if (body.errors && body.errors.length) {
    const error = ApiError.from(body.errors, response.status);
    if (error.code === "UNAUTHENTICATED") session.expired(error.message);
    throw error;
  }
  return body.data;
}

// A workbook download from /export/...: fetched with the token (never in the URL), saved by the browser.
export async function download(path, params, fallbackName) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  const response = await fetch(`${path}?${query}`, { headers: headers() });
  if (!response.ok) {
    let message = `the server answered ${response.status}`;
    try {
      const body = await response.json();
      message = body.errors.map((e) => e.message).join("; ");
    } catch (error) {
      /* keep the status */
    }
    throw new ApiError("DOWNLOAD", message, [], response.status);
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || fallbackName;
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}
