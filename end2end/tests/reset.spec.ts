import { Page } from "@playwright/test";
import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { pforte } from "./fixtures/global-setup";
import { owner } from "./fixtures/accounts";
import { Mail, waitForMail } from "./fixtures/mailbox";
import { HomePage, LoginPage, signInWithCode } from "./fixtures/pages";

const password = "teal otter hums beside lanterns";
const newPassword = "quiet harbour geese fold maps";
const answer = "If an account exists for this address, we have sent an email with further instructions.";

function newUser(name: string): string {
  const email = `${name}.${Date.now()}@example.com`;
  pforte(["create-user", "--customer-number", owner.customerNumber, "--email", email, "--password-stdin"], password + "\n");
  return email;
}

function resetPath(mail: Mail): string {
  const m = mail.text.match(/\/reset-password\/([A-Za-z0-9_-]{43})/);
  expect(m, "reset link in the mail").not.toBeNull();
  return `/reset-password/${m![1]}`;
}

/** From `/login` through "Forgot password?" to the mail, the new password and a sign-in with it. */
async function resetFromTheMail(page: Page, email: string, withScript: boolean) {
  const check = withScript ? expectAccessible : async (_: Page) => {};
  await page.goto("/login");
  if (withScript) await waitForIslands(page);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole("heading", { name: "Forgot password", level: 1 })).toBeVisible();
  if (withScript) await waitForIslands(page);
  await check(page);
  await page.getByLabel("Email or customer number").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toHaveText(answer);
  await check(page);

  const mail = await waitForMail(email, "Reset your Pforte password");
  expect(mail.html).toContain("Choose a new password");
  const link = resetPath(mail);
  await page.goto(link);
  if (withScript) await waitForIslands(page);
  await expect(page.getByRole("heading", { name: "Choose a new password", level: 1 })).toBeVisible();
  await check(page);
  // Password managers learn whose password this is (also without JavaScript).
  await expect(page.locator('input[autocomplete="username"]')).toHaveValue(email);
  if (withScript) {
    await page.getByLabel("New password", { exact: true }).fill("short");
    await expect(page.getByText("5 of at least 15 characters.")).toBeVisible();
  }
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat new password").fill(newPassword + " typo");
  await page.getByRole("button", { name: "Save password" }).click();
  await expect(page.getByRole("alert")).toHaveText("The two passwords do not match.");
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat new password").fill(newPassword);
  await page.getByRole("button", { name: "Save password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your new password is saved." })).toBeVisible();
  await check(page);
  const changed = await waitForMail(email, "Your Pforte password was changed");
  expect(changed.text).toContain("through a password reset link");

  // Used once: the link now says so and leads to a new one.
  await page.goto(link);
  await expect(page.getByRole("alert")).toHaveText("This link is no longer valid.");
  await expect(page.getByRole("link", { name: "Request a new link" })).toHaveAttribute("href", "/forgot-password");
  await check(page);

  // The new password signs in (a reset never signs in by itself).
  await page.goto("/login");
  if (withScript) await waitForIslands(page);
  await signInWithCode(page, email, email, newPassword, "No");
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();
}

test("a forgotten password is reset from the mail", async ({ page }) => {
  await resetFromTheMail(page, newUser("greta"), true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a forgotten password is reset from the mail", async ({ page }) => {
    await resetFromTheMail(page, newUser("hanna"), false);
  });
});

test("an admin sends a password reset", async ({ page }) => {
  const email = newUser("ida");
  await new LoginPage(page).goto();
  await waitForIslands(page);
  await signInWithCode(page, owner.email, owner.email, owner.password, "No");
  await page.goto("/admin/users");
  await waitForIslands(page);
  await page.getByRole("button", { name: `Send password reset to ${email}` }).click();
  await expect(page.getByRole("status")).toHaveText(`Password reset link sent to ${email}.`);
  await expectAccessible(page);
  await waitForMail(email, "Reset your Pforte password");
});

test("This wasn't me, from the New device trusted mail", async ({ page, browser }) => {
  const email = newUser("jana");
  await new LoginPage(page).goto();
  await waitForIslands(page);
  await signInWithCode(page, email, email, password, "Yes");
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();
  const mail = await waitForMail(email, "New device trusted");
  const m = mail.text.match(/\/not-me\/([A-Za-z0-9_-]{43})/);
  expect(m, "This wasn't me link in the mail").not.toBeNull();
  expect(mail.html).toMatch(/href="[^"]*\/not-me\/[^"]+">This wasn't me<\/a>/);

  // Opened elsewhere (as from a phone's mail app): nothing happens until the button.
  const context = await browser.newContext();
  const phone = await context.newPage();
  await phone.goto(`/not-me/${m![1]}`);
  await waitForIslands(phone);
  await expect(phone.getByRole("heading", { name: "This wasn't me", level: 1 })).toBeVisible();
  await expectAccessible(phone);
  await page.reload();
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();

  await phone.getByRole("button", { name: "Secure my account" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Your account is secured" })).toBeVisible();
  await expectAccessible(phone);
  await waitForMail(email, "Reset your Pforte password");
  await context.close();
  // This browser was signed out, and is no longer trusted.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});
