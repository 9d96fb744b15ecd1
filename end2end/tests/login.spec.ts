import { test, expect, expectAccessible, waitForHydration } from "./fixtures/test";
import { LoginPage, HomePage } from "./fixtures/pages";
import { owner, member } from "./fixtures/accounts";

test.describe("sign in (hydrated)", () => {
  test("by email, then log out", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForHydration(page);
    await expectAccessible(page);
    await login.signIn("  Anna.Berg@Example.com ", owner.password);
    const home = new HomePage(page);
    await expect(home.signedInAs(owner.email)).toBeVisible();
    await expect(page.getByRole("link", { name: "Users" })).toBeVisible();
    await expectAccessible(page);
    await home.logOut();
    // The session is gone on the server: the home page sends us back to the login.
    await page.goto("/");
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
  });

  test("by customer number", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForHydration(page);
    await login.signIn(owner.customerNumber, owner.password);
    await expect(new HomePage(page).signedInAs(owner.email)).toBeVisible();
  });

  test("a plain user sees no Users link", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForHydration(page);
    await login.signIn(member.email, member.password);
    await expect(new HomePage(page).signedInAs(member.email)).toBeVisible();
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  });

  test("wrong password shows the generic message", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForHydration(page);
    await login.signIn(owner.email, "not the right password at all");
    await expect(login.error()).toHaveText("Email/customer number or password is incorrect.");
    await expect(page).toHaveURL(/\/login/);
    await expectAccessible(page);
  });

  test("keyboard only", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForHydration(page);
    await expect(page.getByLabel("Email or customer number")).toBeFocused();
    await page.keyboard.type(owner.email);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
    await page.keyboard.type(owner.password);
    await page.keyboard.press("Enter");
    await expect(new HomePage(page).signedInAs(owner.email)).toBeVisible();
  });

  test("protected page returns to next after sign-in", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
    await waitForHydration(page);
    await new LoginPage(page).signIn(owner.email, owner.password);
    await expect(page).toHaveURL(/\/$/);
    await expect(new HomePage(page).signedInAs(owner.email)).toBeVisible();
  });

  test("unknown page is accessible", async ({ page }) => {
    const res = await page.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("sign in without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("by email, wrong password, log out", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(owner.email, "not the right password at all");
    await expect(login.error()).toHaveText("Email/customer number or password is incorrect.");
    await login.signIn(owner.email, owner.password);
    const home = new HomePage(page);
    await expect(home.signedInAs(owner.email)).toBeVisible();
    await home.logOut();
    await page.goto("/");
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
  });
});
