import { watchConnection } from "./connection.js";
import { startRouter } from "./router.js";

watchConnection();
startRouter(document.getElementById("main"));
