import pino from "pino";

const log = pino();
setInterval(() => log.info({ queue: "mail" }, "polling"), 5000);
