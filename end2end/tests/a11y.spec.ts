import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { LoginPage, CodePage, signInWithCode } from "./fixtures/pages";
import { codeSentBy } from "./fixtures/mailbox";
import { owner } from "./fixtures/accounts";

test("a field's error is tied to the field and takes the focus", async ({ page }) => {
  await new LoginPage(page).goto();
  await waitForIslands(page);
  await signInWithCode(page, owner.email, owner.email, owner.password, "No");
  await page.goto("/account/security");
  await waitForIslands(page);
  const field = page.getByLabel("New password", { exact: true });
  await page.locator("#current_password").fill(owner.password);
  await field.fill("too short");
  await page.getByLabel("Repeat new password").fill("too short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toBeFocused();
  await expect(field).toHaveAccessibleDescription(/at least 15 characters/);
  await expectAccessible(page);
});

test("the resend countdown is announced when it starts and when it ends, not every second", async ({ page }) => {
  // The page's timers run on a clock the test moves on.
  await page.clock.install();
  await new LoginPage(page).goto();
  await waitForIslands(page);
  await expect(page.getByRole("navigation", { name: "Help with signing in" })).toBeVisible();
  await codeSentBy(owner.email, async () => {
    await new LoginPage(page).signIn(owner.email, owner.password);
    await new CodePage(page).expectShown();
  });
  const status = page.locator(".resend [role=status]");
  await expect(status).toHaveText(/^A new code can be requested in \d+ seconds\.$/);
  // The ticking text is not a live region.
  await expect(page.locator(".resend [aria-live]")).toHaveCount(0);
  // A minute later: said once more, when a new code can be requested.
  await page.clock.runFor(61_000);
  await expect(status).toHaveText("You can now request a new code.");
  await expect(page.locator(".resend p.muted")).toBeEmpty();
});

test("a pending submit looks disabled and is sent once", async ({ page }) => {
  await new LoginPage(page).goto();
  await waitForIslands(page);
  // Count the submissions the page lets go out, and keep each one here, so that the form stays
  // as it is while its answer would be on the way.
  await page.evaluate(() => {
    const w = window as unknown as { submissions: number };
    w.submissions = 0;
    document.addEventListener("submit", (event) => {
      if (!event.defaultPrevented) w.submissions += 1;
      event.preventDefault();
    });
  });
  await page.getByLabel("Email or customer number").fill("nobody@example.com");
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  const button = page.getByRole("button", { name: "Log in", exact: true });
  await button.click();
  await expect(button).toHaveAttribute("aria-disabled", "true");
  // Playwright itself waits for a button marked disabled: force the presses through.
  await button.click({ force: true });
  await page.getByLabel("Password", { exact: true }).press("Enter");
  expect(await page.evaluate(() => (window as unknown as { submissions: number }).submissions)).toBe(1);
  // Sent for real, the answer comes back with the form ready again.
  await new LoginPage(page).goto();
  await page.getByLabel("Email or customer number").fill("nobody@example.com");
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await button.click();
  await expect(page.getByRole("alert")).toHaveText("Email/customer number or password is incorrect.");
  await expect(button).toHaveAttribute("aria-disabled", "false");
});
