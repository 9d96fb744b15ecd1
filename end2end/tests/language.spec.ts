import { test, expect, expectAccessible, waitForHydration } from "./fixtures/test";

test.describe("a German browser", () => {
  test.use({ locale: "de-DE" });

  test("gets the pages before sign-in in German, and axe finds nothing", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByLabel("E-Mail-Adresse oder Kundennummer")).toBeVisible();
    await expect(page.getByLabel("Passwort", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Anmelden", exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Mit Google anmelden" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Passwort vergessen?" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Anmeldung nicht möglich?" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Sprache" })).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page);
    // A wrong password, answered in German by the hydrated page.
    await page.getByLabel("E-Mail-Adresse oder Kundennummer").fill("niemand@example.com");
    await page.getByLabel("Passwort", { exact: true }).fill("falsches passwort lang genug");
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText(
      "E-Mail-Adresse/Kundennummer oder Passwort ist falsch.",
    );
    await expectAccessible(page);

    await page.getByRole("link", { name: "Passwort vergessen?" }).click();
    await expect(page.getByRole("button", { name: "Link zum Zurücksetzen senden" })).toBeVisible();
    await expectAccessible(page);
    await page.goto("/login-help");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expectAccessible(page);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false, locale: "de-DE" });

  test("the language switch changes the language and keeps it", async ({ page }) => {
    await page.goto("/login?next=%2Faccount%2Fsecurity");
    await expect(page.getByRole("button", { name: "Deutsch" })).toHaveAttribute("aria-pressed", "true");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fsecurity$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByLabel("Email or customer number")).toBeVisible();
    // Remembered: another page, a new visit, still English for this German browser.
    await page.goto("/forgot-password");
    await expect(page.getByRole("button", { name: "Send reset link" })).toBeVisible();
    await page.getByRole("button", { name: "Deutsch" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await expect(page.getByRole("button", { name: "Link zum Zurücksetzen senden" })).toBeVisible();
  });
});
