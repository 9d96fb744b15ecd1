import { defineConfig } from "@playwright/test";
import path from "node:path";

// One run = one fresh SQLite database. The id is fixed in the main process and inherited by workers.
process.env.PFORTE_E2E_RUN ??= String(Date.now());
const port = Number(process.env.PFORTE_E2E_PORT ?? 3100);
export const smtpPort = Number(process.env.PFORTE_E2E_SMTP_PORT ?? 2526);
/** Where the test SMTP server (tests/fixtures/global-setup.ts) stores the mails it receives. */
export const mailboxDir = path.resolve(__dirname, ".tmp", process.env.PFORTE_E2E_RUN, "smtp");
export const baseURL = `http://127.0.0.1:${port}`;
export const databaseUrl = `sqlite://${path.resolve(__dirname, ".tmp", process.env.PFORTE_E2E_RUN)}/pforte.db`;
/** The local OpenID provider (oauth2-mock-server, started by tests/fixtures/global-setup.ts). */
export const googlePort = Number(process.env.PFORTE_E2E_GOOGLE_PORT ?? 3102);
export const googleBase = `http://127.0.0.1:${googlePort}`;
/** Who the provider says signs in: written by a test, read by the provider's userinfo answer. */
export const googleIdentityFile = path.resolve(__dirname, ".tmp", process.env.PFORTE_E2E_RUN, "google-identity.json");
export const pforteBinary = path.resolve(__dirname, "..", "target", "debug", "pforte");
export const serverEnv = {
  PFORTE_DATABASE_URL: databaseUrl,
  PFORTE_PUBLIC_URL: baseURL,
  PFORTE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
  PFORTE_MAIL_DIR: path.resolve(__dirname, ".tmp", process.env.PFORTE_E2E_RUN, "mail"),
  LEPTOS_SITE_ROOT: path.resolve(__dirname, "..", "target", "site"),
  RUST_LOG: "warn",
  PFORTE_GOOGLE_CLIENT_ID: "pforte-e2e",
  PFORTE_GOOGLE_CLIENT_SECRET: "pforte-e2e-secret",
  PFORTE_GOOGLE_AUTH_URL: `${googleBase}/authorize`,
  PFORTE_GOOGLE_TOKEN_URL: `${googleBase}/token`,
  PFORTE_GOOGLE_USERINFO_URL: `${googleBase}/userinfo`,
};

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  timeout: 30_000,
  globalSetup: "./tests/fixtures/global-setup.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.PFORTE_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: pforteBinary,
    url: `${baseURL}/healthz`,
    env: serverEnv,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
});
