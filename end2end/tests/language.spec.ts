import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { LoginPage, signInWithCode } from "./fixtures/pages";
import { owner } from "./fixtures/accounts";
import { waitForMail, welcomePath, codeFrom, codeSentBy } from "./fixtures/mailbox";

const password = "Kupferfalke gleitet über die Tundra";

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
    await waitForIslands(page);
    await expectAccessible(page);
    // A wrong password, answered in German.
    await page.getByLabel("E-Mail-Adresse oder Kundennummer").fill("niemand@example.com");
    await page.getByLabel("Passwort", { exact: true }).fill("falsches passwort lang genug");
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText(
      "E-Mail-Adresse/Kundennummer oder Passwort ist falsch.",
    );
    await expectAccessible(page);

    await page.goto("/seite-gibt-es-nicht");
    await expect(page.getByRole("heading", { name: "Seite nicht gefunden" })).toBeVisible();
    await expectAccessible(page);
    await page.goto("/login");
    await page.getByRole("link", { name: "Passwort vergessen?" }).click();
    await expect(page.getByRole("button", { name: "Link zum Zurücksetzen senden" })).toBeVisible();
    await expectAccessible(page);
    await page.goto("/login-help");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expectAccessible(page);
    // The pages behind a link, with a link that is not (or no longer) valid.
    const stale = "A".repeat(43);
    for (const path of [`/reset-password/${stale}`, `/not-me/${stale}`, `/welcome/${stale}`, `/setup/${stale}`]) {
      await page.goto(path);
      await waitForIslands(page);
      await expect(page.getByRole("alert")).toContainText("nicht mehr gültig");
      await expectAccessible(page);
    }
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

test.describe("a German-speaking user", () => {
  test.use({ locale: "de-DE", timezoneId: "Europe/Berlin" });

  test("is invited by an admin in German and onboards in German, by keyboard only", async ({ page, browser }) => {
    const email = `greta.${Date.now()}@example.com`;
    // The admin works in English; the new user's language is German.
    const admin = await browser.newContext({ locale: "en-US" });
    const adminPage = await admin.newPage();
    await new LoginPage(adminPage).goto();
    await waitForIslands(adminPage);
    await signInWithCode(adminPage, owner.email, owner.email, owner.password, "No");
    await adminPage.goto("/admin/users");
    await waitForIslands(adminPage);
    await adminPage.getByLabel("Name").fill("Greta Sommer");
    await adminPage.getByLabel("Email", { exact: true }).fill(email);
    await adminPage.getByRole("combobox", { name: "Language" }).selectOption("de");
    await adminPage.getByRole("button", { name: "Create user and send invitation" }).click();
    await expect(adminPage.getByRole("status")).toHaveText(`Invitation sent to ${email}.`);
    await admin.close();

    const invitation = await waitForMail(email, "Ihr Benutzerkonto bei ");
    expect(invitation.text).toContain("Guten Tag Greta Sommer");
    expect(invitation.html).toContain("Zum Benutzerkonto");
    expect(invitation.html).toContain('lang="de"');

    // The invited person's German browser, keyboard only.
    await page.goto(welcomePath(invitation));
    await waitForIslands(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    const step = page.getByRole("list", { name: "Schritte" }).locator('[aria-current="step"]');
    await expect(step).toHaveText("E-Mail eingeben");
    await expectAccessible(page);
    await expect(page.getByLabel("E-Mail", { exact: true })).toBeFocused();
    await page.keyboard.type(email);
    await page.keyboard.press("Enter");

    await expect(step).toHaveText("Passwort erstellen");
    await expectAccessible(page);
    // Password managers learn whose password this is.
    await expect(page.locator('input[autocomplete="username"]')).toHaveValue(email);
    await expect(page.getByLabel("Passwort", { exact: true })).toBeFocused();
    await page.keyboard.type(password);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Passwort wiederholen")).toBeFocused();
    await page.keyboard.type(password);
    await page.keyboard.press("Enter");

    await expect(step).toHaveText("E-Mail-Code eingeben");
    await expectAccessible(page);
    const code = codeFrom(await waitForMail(email, "Ihr Pforte-Bestätigungscode"));
    await expect(page.getByLabel("Code", { exact: true })).toBeFocused();
    await page.keyboard.type(code);
    await page.keyboard.press("Enter");

    await expect(step).toHaveText("Gerät vertrauen");
    await expect(page.getByText("Vertrauen Sie diesem Browser und Gerät?")).toBeVisible();
    await expectAccessible(page);
    const yes = page.getByRole("button", { name: "Ja", exact: true });
    for (let i = 0; i < 10 && !(await yes.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press("Tab");
    }
    await expect(yes).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByText(`Angemeldet als ${email}`)).toBeVisible();
    await expectAccessible(page);

    // Signed in, the security page shows times in the browser's zone and language.
    await page.goto("/account/security");
    const since = page.locator("time").first();
    await expect(since).toHaveAttribute("datetime", /Z$/);
    await expect(since).not.toHaveText(/UTC/);
    await expectAccessible(page);
    // The "New device trusted" mail is German, its time in Berlin.
    const trusted = await waitForMail(email, "Neues vertrauenswürdiges Gerät");
    expect(trusted.text).toContain("(Europe/Berlin)");
  });
});

test.describe("a German browser, signed in", () => {
  test.use({ locale: "de-DE" });

  test("shows every page in German, and axe finds nothing", async ({ page }) => {
    await page.goto("/login");
    await waitForIslands(page);
    const code = await codeSentBy(owner.email, async () => {
      await page.getByLabel("E-Mail-Adresse oder Kundennummer").fill(owner.customerNumber);
      await page.getByLabel("Passwort", { exact: true }).fill(owner.password);
      await page.getByRole("button", { name: "Anmelden", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Anmeldung bestätigen" })).toBeVisible();
    });
    await expect(page.getByRole("button", { name: "Neuen Code senden" })).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("Code", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Bestätigen" }).click();

    await expect(page.getByRole("heading", { name: "Vertrauen Sie diesem Browser und Gerät?" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Ja", exact: true })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Nein", exact: true }).click();

    await expect(page.getByText(`Angemeldet als ${owner.email}`)).toBeVisible();
    await expect(page.getByRole("button", { name: "Abmelden" })).toBeVisible();
    await expectAccessible(page);

    await page.getByRole("link", { name: "Benutzer" }).click();
    await expect(page.getByRole("heading", { name: "Benutzer", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Benutzer anlegen" })).toBeVisible();
    await expect(page.locator('label[for="name"]')).toHaveText("Name");
    await expect(page.locator('label[for="email"]')).toHaveText("E-Mail");
    await expect(page.locator('label[for="google_email"]')).toHaveText("Google-Adresse");
    await expect(page.getByRole("combobox", { name: "Rolle" })).toBeVisible();
    await expect(page.getByRole("combobox", { name: "Sprache" })).toHaveValue("de");
    await expect(page.getByRole("button", { name: "Benutzer anlegen und Einladung senden" })).toBeVisible();
    await expectAccessible(page);

    await page.getByRole("link", { name: "Anwendungen" }).click();
    await expect(page.getByRole("heading", { name: "Anwendungen", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Anwendung hinzufügen" })).toBeVisible();
    await expect(page.getByLabel("Weiterleitungsadressen (eine pro Zeile)")).toBeVisible();
    await expect(page.getByRole("button", { name: "Anwendung hinzufügen" })).toBeVisible();
    await expectAccessible(page);

    await page.goto("/account/security");
    await waitForIslands(page);
    await expect(page.getByRole("heading", { name: "Sicherheit", level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: "Passwort ändern" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Überall sonst abmelden" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Zwei-Faktor-Authentifizierung einrichten" })).toBeVisible();
    await expect(page.locator('input[autocomplete="username"]')).toHaveValue(owner.email);
    await expectAccessible(page);
  });
});
