import { Page } from "@playwright/test";
import { test, expect, expectAccessible, waitForHydration } from "./fixtures/test";
import { pforte } from "./fixtures/global-setup";
import { owner } from "./fixtures/accounts";
import { waitForMail, welcomePath, codeFrom } from "./fixtures/mailbox";
import { HomePage } from "./fixtures/pages";

const password = "copper falcon drifts over tundra";

function invite(email: string) {
  pforte(["create-user", "--customer-number", owner.customerNumber, "--email", email, "--name", "Carla Neu"]);
}

async function expectStep(page: Page, name: string) {
  await expect(page.getByRole("list", { name: "Steps" }).locator('[aria-current="step"]')).toHaveText(name);
}

async function onboard(page: Page, email: string, hydrated: boolean) {
  // axe-core runs inside the page, so it needs JavaScript: the hydrated run checks every step.
  const check = hydrated ? expectAccessible : async (_: Page) => {};
  invite(email);
  const invitation = await waitForMail(email, "Your user account is ready");
  expect(invitation.html).toContain("To the user account");
  await page.goto(welcomePath(invitation));
  if (hydrated) await waitForHydration(page);

  await expectStep(page, "Enter email");
  await check(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Sign in with email" }).click();

  await expectStep(page, "Create password");
  await check(page);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password + " typo");
  await page.getByRole("button", { name: "Create password" }).click();
  await expect(page.getByRole("alert")).toHaveText("The two passwords do not match.");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await page.getByRole("button", { name: "Create password" }).click();

  await expectStep(page, "Enter email code");
  await check(page);
  const code = codeFrom(await waitForMail(email, "Your confirmation code"));
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm" }).click();

  await expectStep(page, "Trust device");
  await expect(page.getByText("Do you trust this browser and device?")).toBeVisible();
  await check(page);
  await page.getByRole("button", { name: "Yes" }).click();
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();
}

test("an invited user onboards through the stepper (hydrated)", async ({ page }) => {
  await onboard(page, `carla.${Date.now()}@example.com`, true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("an invited user onboards through the stepper", async ({ page }) => {
    await onboard(page, `dora.${Date.now()}@example.com`, false);
  });
});
