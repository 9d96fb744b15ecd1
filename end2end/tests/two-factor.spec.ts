import { Browser, Page } from "@playwright/test";
import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { pforte } from "./fixtures/global-setup";
import { owner } from "./fixtures/accounts";
import { waitForMail } from "./fixtures/mailbox";
import { HomePage, LoginPage, signInWithCode } from "./fixtures/pages";
import { totp } from "./fixtures/totp";

const password = "violet heron reads old maps";

function newUser(name: string): string {
  const email = `${name}.${Date.now()}@example.com`;
  pforte(["create-user", "--customer-number", owner.customerNumber, "--email", email, "--password-stdin"], password + "\n");
  return email;
}

/** The password step in `page`; the app's code is asked next. */
async function passwordStep(page: Page, email: string, withScript = true) {
  await page.goto("/login");
  if (withScript) await waitForIslands(page);
  await new LoginPage(page).signIn(email, password);
  await expect(page).toHaveURL(/\/login\/totp$/);
  await expect(page.getByRole("heading", { name: "Enter your authentication code", level: 1 })).toBeVisible();
}

async function freshPage(browser: Browser, javaScriptEnabled = true) {
  const context = await browser.newContext({ javaScriptEnabled });
  return { context, page: await context.newPage() };
}

test("two-factor: set up, the app's code on a new browser, a reused code refused, recovery codes, a trusted device still asks", async ({ page, browser }) => {
  const email = newUser("lena");
  await page.goto("/login");
  await waitForIslands(page);
  await signInWithCode(page, email, email, password, "Yes");
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();

  // Set-up on the security page: the password, then QR code and key, then the first code.
  await page.goto("/account/security");
  await waitForIslands(page);
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByLabel("Current password").fill(password);
  await section.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await expectAccessible(page);
  const key = (await section.locator("code.key").textContent()) ?? "";
  expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const first = totp(key);
  await section.getByLabel("Authentication code", { exact: true }).fill(first);
  await section.getByRole("button", { name: "Activate" }).click();
  const list = section.getByRole("list", { name: "Recovery codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const codes = await list.getByRole("listitem").allTextContents();
  await expect(section.getByRole("link", { name: "Download" })).toHaveAttribute("download", "pforte-recovery-codes.txt");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await section.getByRole("button", { name: "Copy" }).click();
  await expect(section.getByRole("status")).toHaveText("Copied.");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));
  await expectAccessible(page);
  await section.getByRole("button", { name: "I have saved them" }).click();
  await expect(section.getByText(/^Two-factor authentication is on since .*Recovery codes left: 10\.$/)).toBeVisible();
  await expectAccessible(page);
  await waitForMail(email, "Two-factor authentication is on");

  // The same page in German, and axe finds nothing there either.
  const german = await browser.newContext({ locale: "de-DE" });
  const de = await german.newPage();
  await de.goto("/login");
  await waitForIslands(de);
  await de.getByLabel("E-Mail-Adresse oder Kundennummer").fill(email);
  await de.getByLabel("Passwort", { exact: true }).fill(password);
  await de.getByRole("button", { name: "Anmelden", exact: true }).click();
  await expect(de.getByRole("heading", { name: "Authentifizierungscode eingeben", level: 1 })).toBeVisible();
  await expect(de.getByLabel("Authentifizierungscode", { exact: true })).toBeVisible();
  await expect(de.getByRole("link", { name: "Wiederherstellungscode verwenden" })).toBeVisible();
  await expectAccessible(de);
  await german.close();

  // A new browser: the app's code, no email code; the code the set-up used is refused.
  const other = await freshPage(browser);
  await passwordStep(other.page, email);
  await expectAccessible(other.page);
  await other.page.getByLabel("Authentication code", { exact: true }).fill(first);
  await other.page.getByRole("button", { name: "Confirm" }).click();
  await expect(other.page.getByRole("alert")).toHaveText("The code is not correct.");
  // The next time step's code (the app shows it within 30 s; one step ahead is accepted).
  await other.page.getByLabel("Authentication code", { exact: true }).fill(totp(key, Date.now() + 30_000));
  await other.page.getByRole("button", { name: "Confirm" }).click();
  await expect(new HomePage(other.page).signedInAs(email)).toBeVisible();
  await other.context.close();

  // The trusted browser skips the email code, never the app's code: a recovery code here.
  await page.goto("/");
  await new HomePage(page).logOut();
  await passwordStep(page, email);
  await page.getByRole("link", { name: "Use a recovery code" }).click();
  await expect(page.getByLabel("Recovery code", { exact: true })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Recovery code", { exact: true }).fill(codes[0]);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();
  const used = await waitForMail(email, "A recovery code was used");
  expect(used.text).toContain("Recovery codes left: 9.");

  // Without JavaScript, and a used recovery code is refused.
  const plain = await freshPage(browser, false);
  await passwordStep(plain.page, email, false);
  await plain.page.getByRole("link", { name: "Use a recovery code" }).click();
  await plain.page.getByLabel("Recovery code", { exact: true }).fill(codes[0]);
  await plain.page.getByRole("button", { name: "Confirm" }).click();
  await expect(plain.page.getByRole("alert")).toHaveText("The code is not correct.");
  await plain.page.getByLabel("Recovery code", { exact: true }).fill(codes[1]);
  await plain.page.getByRole("button", { name: "Confirm" }).click();
  await expect(new HomePage(plain.page).signedInAs(email)).toBeVisible();
  await plain.context.close();
});
