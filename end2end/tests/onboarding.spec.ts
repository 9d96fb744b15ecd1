import { Page } from "@playwright/test";
import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { pforte } from "./fixtures/global-setup";
import { owner } from "./fixtures/accounts";
import { waitForMail, welcomePath, codeFrom } from "./fixtures/mailbox";
import { HomePage, LoginPage, signInWithCode } from "./fixtures/pages";

const password = "copper falcon drifts over tundra";

function invite(email: string) {
  pforte(["create-user", "--customer-number", owner.customerNumber, "--email", email, "--name", "Carla Neu"]);
}

async function expectStep(page: Page, name: string) {
  await expect(page.getByRole("list", { name: "Steps" }).locator('[aria-current="step"]')).toHaveText(name);
}

async function onboard(page: Page, email: string, withScript: boolean) {
  invite(email);
  const invitation = await waitForMail(email, "Your user account at ");
  expect(invitation.html).toContain("To the user account");
  await runStepper(page, welcomePath(invitation), email, withScript);
}

/** Follows the invitation link through the four steps, as the invited person. */
async function runStepper(page: Page, link: string, email: string, withScript: boolean) {
  // axe-core runs inside the page, so it needs JavaScript: the run with JavaScript checks every step.
  const check = withScript ? expectAccessible : async (_: Page) => {};
  await page.goto(link);
  if (withScript) await waitForIslands(page);

  await expectStep(page, "Enter email");
  await check(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Sign in with email" }).click();

  await expectStep(page, "Create password");
  // A new page: its password feedback is an island.
  if (withScript) await waitForIslands(page);
  await check(page);
  if (withScript) {
    // Live feedback while typing.
    await page.getByLabel("Password", { exact: true }).fill("short");
    await expect(page.getByText("5 of at least 15 characters.")).toBeVisible();
    await page.getByLabel("Password", { exact: true }).fill("passwordpassword");
    await expect(page.getByText(/easy to guess/)).toBeVisible();
  }
  await page.getByLabel("Password", { exact: true }).fill(password);
  if (withScript) await expect(page.getByText(/^Long enough\./)).toBeVisible();
  await page.getByLabel("Repeat password").fill(password + " typo");
  await page.getByRole("button", { name: "Create password" }).click();
  await expect(page.getByRole("alert")).toHaveText("The two passwords do not match.");
  // The answer is a new page: type once it has loaded.
  if (withScript) await waitForIslands(page);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await page.getByRole("button", { name: "Create password" }).click();

  await expectStep(page, "Enter email code");
  await check(page);
  const code = codeFrom(await waitForMail(email, "Pforte confirmation code"));
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm" }).click();

  await expectStep(page, "Trust device");
  await expect(page.getByText("Do you trust this browser and device?")).toBeVisible();
  await check(page);
  await page.getByRole("button", { name: "Yes" }).click();
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();
}

test("an invited user onboards through the stepper (with JavaScript)", async ({ page }) => {
  await onboard(page, `carla.${Date.now()}@example.com`, true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("an invited user onboards through the stepper", async ({ page }) => {
    await onboard(page, `dora.${Date.now()}@example.com`, false);
  });
});

test("an admin invites a user, a resend kills the old link, and the user onboards", async ({ page, browser }) => {
  const email = `erik.${Date.now()}@example.com`;
  await new LoginPage(page).goto();
  await waitForIslands(page);
  await signInWithCode(page, owner.email, owner.email, owner.password, "No");
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Name").fill("Erik Lund");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role").selectOption("user");
  await page.getByRole("button", { name: "Create user and send invitation" }).click();
  await expect(page.getByRole("status")).toHaveText(`Invitation sent to ${email}.`);
  const row = page.getByRole("row", { name: new RegExp(email.replace(/\./g, "\\.")) });
  await expect(row).toContainText("Invited");
  const first = await waitForMail(email, "Your user account at ", 1);
  await row.getByRole("button", { name: "Resend invitation" }).click();
  const second = await waitForMail(email, "Your user account at ", 2);
  expect(welcomePath(second)).not.toEqual(welcomePath(first));

  // The invited person's own browser.
  const context = await browser.newContext();
  const invitee = await context.newPage();
  await invitee.goto(welcomePath(first));
  await expect(invitee.getByRole("alert")).toContainText("This link is no longer valid.");
  await runStepper(invitee, welcomePath(second), email, true);
  await context.close();

  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(email.replace(/\./g, "\\.")) })).toContainText("Active");
  await waitForIslands(page);
  const active = page.getByRole("row", { name: new RegExp(email.replace(/\./g, "\\.")) });
  await active.getByRole("button", { name: `Deactivate ${email}` }).click();
  await expect(active).toContainText("Disabled");
  // The focus comes back to the row (its first cell), not to a button a second Enter would press.
  await expect(active.getByRole("cell").first()).toBeFocused();
  await active.getByRole("button", { name: `Reactivate ${email}` }).click();
  await expect(active).toContainText("Active");
});
