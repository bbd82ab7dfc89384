// The banner shown while the API answers 503 (or cannot be reached at all). While
// it is up, /api/health is polled; the first good answer clears it and tells the
// views, so a list that failed to load can try again.

import { connection, health } from "./api.js";

const MIN_POLL_S = 1;
const MAX_POLL_S = 30;

const TITLES = {
  offline: "Can’t reach the server.",
  database: "Can’t reach the database.",
  "sign-in": "Can’t check your sign-in right now.",
};

let timer = null;
let down = false;

export function watchConnection() {
  connection.addEventListener("unavailable", (event) => showBanner(event.detail));
  connection.addEventListener("available", () => clearBanner());
}

function showBanner({ retryAfter, reason }) {
  const banner = document.getElementById("connection-banner");
  document.getElementById("connection-title").textContent = TITLES[reason] ?? TITLES.database;
  banner.hidden = false;
  down = true;
  schedulePoll(retryAfter);
}

function clearBanner() {
  if (!down) return;
  down = false;
  clearTimeout(timer);
  timer = null;
  document.getElementById("connection-banner").hidden = true;
  window.dispatchEvent(new Event("app:reconnected"));
}

function schedulePoll(retryAfter) {
  if (timer) return;
  const seconds = Math.min(Math.max(Number(retryAfter) || 5, MIN_POLL_S), MAX_POLL_S);
  timer = setTimeout(async () => {
    timer = null;
    try {
      await health(); // success fires "available", which clears the banner
    } catch {
      // a failure fires "unavailable" again, which schedules the next poll
    }
  }, seconds * 1000);
}
