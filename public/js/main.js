import { startAuth } from "./auth.js";
import { watchConnection } from "./connection.js";
import { startRouter } from "./router.js";

const main = document.getElementById("main");
watchConnection();
// With sign-in enabled, records are shown only once someone is signed in.
startAuth(main).then(() => startRouter(main));
