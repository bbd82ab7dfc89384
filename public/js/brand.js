// The app's name comes from the API (APP_NAME, in GET /api/auth/config), so that
// renaming the app is one setting: the page itself names nothing.
let appName = "";

export function setAppName(name) {
  appName = name ?? "";
  document.getElementById("app-name").textContent = appName;
  document.title = appName;
}

export function getAppName() {
  return appName;
}

/** A tab title: "<what> · <app name>". */
export function pageTitle(what) {
  return appName ? `${what} · ${appName}` : what;
}
