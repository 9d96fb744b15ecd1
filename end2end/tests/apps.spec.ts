import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { pforte } from "./fixtures/global-setup";
import { owner } from "./fixtures/accounts";
import { LoginPage, signInWithCode } from "./fixtures/pages";
import { registered, rpBase, rpCallback, startRelyingParty } from "./fixtures/rp";

test("an application signs a user in through Pforte's pages and shows the claims", async ({ page }) => {
  const { clientId, clientSecret } = registered(
    pforte([
      "create-client", "--customer-number", owner.customerNumber, "--name", "Company Wiki",
      "--redirect-uri", rpCallback,
    ]),
  );
  expect(clientId).toMatch(/^[0-9a-f]{32}$/);
  const stop = await startRelyingParty(clientId, clientSecret);
  try {
    await page.goto(rpBase);
    await page.getByRole("link", { name: "Sign in with Pforte" }).click();
    // Not signed in: Pforte's own sign-in, with the email code, and back to the application.
    await expect(page).toHaveURL(/\/login\?next=\/oauth\/authorize%3F/);
    await waitForIslands(page);
    await signInWithCode(page, owner.email, owner.email, owner.password, "No");
    await expect(page.getByRole("heading", { name: "Signed in to Company Wiki" })).toBeVisible();
    await expect(page.locator('[data-claim="email"]')).toHaveText(owner.email);
    await expect(page.locator('[data-claim="name"]')).toHaveText(owner.name);
    await expect(page.locator('[data-claim="pforte_customer_number"]')).toHaveText(owner.customerNumber);
    await expect(page.locator('[data-claim="pforte_role"]')).toHaveText("admin");
    const subject = await page.locator('[data-claim="sub"]').textContent();
    expect(subject).toMatch(/^[0-9a-f]{32}$/);

    // Signed in already: straight back, the same subject.
    await page.goto(`${rpBase}/login`);
    await expect(page.getByRole("heading", { name: "Signed in to Company Wiki" })).toBeVisible();
    await expect(page.locator('[data-claim="sub"]')).toHaveText(subject ?? "");
  } finally {
    await stop();
  }
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the sign-in through plain forms still ends at the application", async ({ page }) => {
    const { clientId, clientSecret } = registered(
      pforte([
        "create-client", "--customer-number", owner.customerNumber, "--name", "Plain Wiki",
        "--redirect-uri", rpCallback,
      ]),
    );
    const stop = await startRelyingParty(clientId, clientSecret);
    try {
      await page.goto(`${rpBase}/login`);
      await expect(page).toHaveURL(/\/login\?next=\/oauth\/authorize%3F/);
      await signInWithCode(page, owner.email, owner.email, owner.password, "No");
      // The form's answer ends on /continue, whose refresh goes on to the application.
      await expect(page.getByRole("heading", { name: "Signed in to Company Wiki" })).toBeVisible();
      await expect(page.locator('[data-claim="email"]')).toHaveText(owner.email);
    } finally {
      await stop();
    }
  });
});

test("an admin adds an application on /admin/apps and sees its secret once", async ({ page }) => {
  await new LoginPage(page).goto();
  await waitForIslands(page);
  await signInWithCode(page, owner.email, owner.email, owner.password, "No");
  await page.getByRole("link", { name: "Applications" }).click();
  await expect(page.getByRole("heading", { name: "Applications", level: 1 })).toBeVisible();
  await waitForIslands(page);
  await expectAccessible(page);

  // A wrong address is named on its field.
  await page.getByLabel("Name", { exact: true }).fill("Time Tracking");
  const uris = page.getByLabel("Redirect URIs (one per line)");
  await uris.fill("http://time.example.com/callback");
  await page.getByRole("button", { name: "Add application" }).click();
  await expect(page.getByRole("alert")).toContainText("https://");
  await expect(uris).toHaveAttribute("aria-invalid", "true");
  await expect(uris).toBeFocused();
  await expectAccessible(page);

  // The name typed before comes back with the refused form (the page script keeps it).
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Time Tracking");
  await uris.fill("https://time.example.com/callback\nhttps://time.example.com/other");
  await page.getByRole("button", { name: "Add application" }).click();
  const status = page.getByRole("status");
  await expect(status).toContainText("Time Tracking: client ID ");
  await expect(status).toContainText("Client secret, shown only now");
  const row = page.getByRole("row", { name: /Time Tracking/ });
  await expect(row).toContainText("https://time.example.com/other");
  await expect(row).toContainText("Confidential (with client secret)");
  await expectAccessible(page);

  const secretShown = async () => (await status.textContent())?.match(/: ([A-Za-z0-9_-]{43})$/m)?.[1];
  const first = await secretShown();
  expect(first).toBeTruthy();
  // Not shown again once the page is loaded anew.
  await page.reload();
  await expect(page.getByRole("row", { name: /Time Tracking/ })).toBeVisible();
  expect(await page.content()).not.toContain(first);
  await waitForIslands(page);

  // A new secret, then the application deleted after the confirmation.
  await row.getByRole("button", { name: "New secret for Time Tracking" }).click();
  await expect(status).toContainText("Client secret, shown only now");
  const second = await secretShown();
  expect(second).toBeTruthy();
  expect(second).not.toEqual(first);
  await row.getByText("Delete", { exact: true }).click();
  await expect(row.getByText("Nobody can sign in to Time Tracking any more.")).toBeVisible();
  await row.getByRole("button", { name: "Delete for good" }).click();
  await expect(status).toContainText("The application was deleted.");
  await expect(page.getByRole("row", { name: /Time Tracking/ })).toHaveCount(0);
});
