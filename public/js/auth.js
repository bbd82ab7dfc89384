// Signing in through the identity provider (Cognito's hosted UI in AWS) with the
// OAuth 2.0 authorization code flow and PKCE (RFC 7636). The page is a public
// client: it holds no secret. What proves that the code is ours is the random
// code_verifier, kept in this tab and sent only to the token endpoint, whose
// SHA-256 went out with the sign-in request. The API decides what a token may do;
// the claims read here only choose what to show.

import * as api from "./api.js";
import { getAppName, pageTitle, setAppName } from "./brand.js";
import { focus, h, icon, replace } from "./dom.js";
import { describe } from "./messages.js";
import { renderSkeleton, skeletonDone } from "./views/skeleton.js";

// sessionStorage, not localStorage: the token lives as long as this tab and is
// not shared with other tabs or left on the disk of a shared computer after the
// browser closes. Script running in the page (XSS) could still read it; the CSP
// (script-src 'self') and the short token lifetime are the defence there.
const SESSION_KEY = "auth.session";
const PENDING_KEY = "auth.pending"; // state and code_verifier while at the provider
const NOTICE_KEY = "auth.notice"; // a message to show after a redirect
const EXPIRY_MARGIN_MS = 10_000;

const SIGNED_OUT_NOTICE = "You are signed out.";
const ENDED_NOTICE = "Your session has ended (it expired or is no longer valid). Sign in again to continue.";

let config = { enabled: false };
let claims = null; // the access token's claims: what the API will see
let mainElement = null;

/** True when the page should offer writes: auth is off, or the token names a staff member. */
export function canWrite() {
  return !config.enabled || hasStaffClaim(claims);
}

/**
 * Resolves once records may be loaded: auth is off, or someone is signed in.
 * Until then `main` shows why not (the signed-out state, or a config error).
 */
export async function startAuth(main) {
  mainElement = main;
  renderSkeleton(main);
  config = await loadConfig();
  skeletonDone(main);
  setAppName(config.app_name);
  if (!config.enabled) return;
  document.body.dataset.auth = "signed-out";

  if (!config.authorize_url || !config.token_url || !config.client_id) {
    showSignedOut("Sign-in is not set up on this server (the provider's client id and URLs are missing).", { offer: false });
    return new Promise(() => {});
  }
  let notice = takeNotice();
  const params = new URLSearchParams(window.location.search);
  if (params.has("state") && (params.has("code") || params.has("error"))) {
    try {
      await finishSignIn(params);
    } catch (error) {
      notice = error.message;
    }
  }
  const session = readSession();
  if (!session) {
    showSignedOut(notice);
    return new Promise(() => {});
  }
  if (session.expires_at - EXPIRY_MARGIN_MS < Date.now()) {
    clearSession();
    showSignedOut(ENDED_NOTICE);
    return new Promise(() => {});
  }
  signedIn(session);
}

// --- Configuration -------------------------------------------------------------

function loadConfig() {
  return new Promise((resolve) => {
    const attempt = async () => {
      try {
        resolve(await api.authConfig());
        window.removeEventListener("app:reconnected", attempt);
      } catch (error) {
        const retry = h("button", { type: "button", class: "button", onclick: attempt }, "Try again");
        const heading = h("h1", { class: "page-title", tabindex: "-1" }, "Can’t start");
        skeletonDone(mainElement);
        replace(
          mainElement,
          h("section", { class: "card signin" }, heading, h("p", { role: "alert" }, "The page could not ask the server how to sign in. ", describe(error)), retry),
        );
      }
    };
    // The connection banner polls the API while it is down and says when it is back.
    window.addEventListener("app:reconnected", attempt);
    attempt();
  });
}

// --- Signing in ----------------------------------------------------------------

async function signIn(button) {
  if (!window.crypto?.subtle) {
    // WebCrypto exists only in secure contexts: https, or http on localhost/127.0.0.1.
    showSignedOut("Signing in needs this page to be served over https (or from localhost).", { offer: false });
    return;
  }
  button.disabled = true;
  const verifier = randomString(32); // 43 characters, within RFC 7636's 43-128
  const state = randomString(16);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const redirectUri = pageUrl();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, redirectUri, hash: window.location.hash }));
  const url = new URL(config.authorize_url);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.client_id);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", config.scopes || "openid");
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  window.location.assign(url);
}

/** Back from the provider with ?code&state (or ?error&state): trade the code for tokens. */
async function finishSignIn(params) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "null");
  sessionStorage.removeItem(PENDING_KEY);
  // The code is single-use and worthless without the verifier, but it should not
  // stay in the address bar, the history or a bookmark.
  const clean = new URL(window.location.href);
  clean.search = "";
  if (pending?.hash && !clean.hash) clean.hash = pending.hash;
  history.replaceState(null, "", clean);

  if (!pending || params.get("state") !== pending.state) {
    throw new Error("That sign-in response was not for this page (its state did not match). Please sign in again.");
  }
  if (params.has("error")) {
    const reason = params.get("error");
    throw new Error(reason === "access_denied" ? "Sign-in was cancelled." : `The sign-in provider refused: ${params.get("error_description") || reason}.`);
  }
  let response;
  try {
    response = await fetch(config.token_url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: config.client_id,
        code: params.get("code"),
        redirect_uri: pending.redirectUri,
        code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new Error("The sign-in provider could not be reached to finish signing in. Please try again.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) {
    throw new Error(`Signing in failed: ${body.error_description || body.error || `the provider answered ${response.status}`}. Please try again.`);
  }
  const expiresIn = Number(body.expires_in) || 3600;
  saveSession({ access_token: body.access_token, id_token: body.id_token ?? null, expires_at: Date.now() + expiresIn * 1000 });
}

function signedIn(session) {
  claims = decodePayload(session.access_token) ?? {};
  const identity = decodePayload(session.id_token) ?? claims;
  api.setToken(session.access_token);
  api.session.addEventListener("unauthorized", sessionEnded);
  document.body.dataset.auth = "signed-in";
  showAccount(displayName(identity), canWrite());
}

// --- Signing out ---------------------------------------------------------------

function signOut() {
  clearSession();
  if (config.logout_url) {
    // Ends the provider's own session too; otherwise "Sign in" would come straight
    // back signed in as the same person. Cognito wants client_id and logout_uri.
    sessionStorage.setItem(NOTICE_KEY, SIGNED_OUT_NOTICE);
    const url = new URL(config.logout_url);
    if (!url.searchParams.has("client_id")) url.searchParams.set("client_id", config.client_id);
    if (!url.searchParams.has("logout_uri")) url.searchParams.set("logout_uri", pageUrl());
    window.location.assign(url);
    return;
  }
  leave(SIGNED_OUT_NOTICE);
}

/** The API answered 401: the token expired or was refused. */
function sessionEnded() {
  if (document.body.dataset.auth !== "signed-in") return;
  clearSession();
  leave(ENDED_NOTICE);
}

function leave(notice) {
  api.session.removeEventListener("unauthorized", sessionEnded);
  api.setToken(null);
  claims = null;
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  document.body.dataset.auth = "signed-out";
  window.dispatchEvent(new Event("app:signed-out")); // the router stops showing records
  showSignedOut(notice, { moveFocus: true });
}

// --- What the page shows -------------------------------------------------------

/** `moveFocus`: after signing out or a refused token, start reading from the heading. */
function showSignedOut(notice, { offer = true, moveFocus = false } = {}) {
  document.getElementById("account").hidden = true;
  document.title = pageTitle("Sign in");
  const heading = h("h1", { class: "page-title", tabindex: "-1" }, `Sign in to see ${getAppName().toLowerCase()}`);
  const button = h("button", { type: "button", class: "button button--primary", onclick: () => signIn(button) }, "Sign in");
  replace(
    mainElement,
    h(
      "section",
      { class: "card signin", "aria-labelledby": "signin-title" },
      h("div", { class: "signin__icon" }, icon("student")),
      heading,
      notice ? h("p", { class: "signin__notice", role: "alert" }, notice) : null,
      h("p", { class: "signin__text" }, "These records are private. Sign in with your account to read them; staff can also add and change them."),
      offer ? button : null,
    ),
  );
  heading.id = "signin-title";
  if (moveFocus) focus(heading);
}

function showAccount(name, staff) {
  const account = document.getElementById("account");
  replace(
    account,
    h(
      "p",
      { class: "account__who" },
      h("span", { class: "visually-hidden" }, "Signed in as "),
      h("span", { class: "account__name", title: name }, name),
      h("span", { class: `account__role${staff ? "" : " account__role--reader"}` }, staff ? "Staff" : "Read only"),
    ),
    h("button", { type: "button", class: "button button--small account__signout", onclick: signOut }, "Sign out"),
  );
  account.hidden = false;
}

// --- Helpers -------------------------------------------------------------------

function hasStaffClaim(tokenClaims) {
  // The API (AUTH_STAFF_CLAIM, AUTH_STAFF_VALUE) decides; these defaults match its own.
  const value = tokenClaims?.[config.staff_claim || "cognito:groups"];
  const wanted = config.staff_value || "staff";
  if (Array.isArray(value)) return value.map(String).includes(wanted);
  if (typeof value === "string") return value.replace(/^\[|\]$/g, "").split(/[\s,]+/).includes(wanted);
  return false;
}

function displayName(identity) {
  return identity.email || identity["cognito:username"] || identity.preferred_username || identity.username || identity.name || identity.sub || "Signed in";
}

/** A JWT's claims, for display only: the signature is the API's business. */
function decodePayload(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === "object" ? payload : null;
  } catch {
    return null;
  }
}

function readSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
    return session && typeof session.access_token === "string" && Number.isFinite(session.expires_at) ? session : null;
  } catch {
    return null;
  }
}

function saveSession(session) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(PENDING_KEY);
}

function takeNotice() {
  const notice = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return notice;
}

/** Where the provider sends the browser back: this page, without query or hash. */
function pageUrl() {
  return window.location.origin + window.location.pathname;
}

function randomString(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(buffer) {
  const text = String.fromCharCode(...new Uint8Array(buffer));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
