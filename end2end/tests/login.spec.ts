import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { LoginPage, HomePage, CodePage, TrustPage, signInWithCode } from "./fixtures/pages";
import { codeSentBy } from "./fixtures/mailbox";
import { owner, member } from "./fixtures/accounts";

test.describe("sign in (with JavaScript)", () => {
  test("by email with the emailed code, then log out", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForIslands(page);
    await expectAccessible(page);
    const code = await codeSentBy(owner.email, async () => {
      await login.signIn("  Anna.Berg@Example.com ", owner.password);
      await new CodePage(page).expectShown();
    });
    await expectAccessible(page);
    await new CodePage(page).confirm(code);
    await expect(page).toHaveURL(/\/login\/trust$/);
    await expectAccessible(page);
    await new TrustPage(page).answer("No");
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
    await new LoginPage(page).goto();
    await waitForIslands(page);
    await signInWithCode(page, owner.customerNumber, owner.email, owner.password, "No");
    await expect(new HomePage(page).signedInAs(owner.email)).toBeVisible();
  });

  test("a plain user sees no Users link", async ({ page }) => {
    await new LoginPage(page).goto();
    await waitForIslands(page);
    await signInWithCode(page, member.email, member.email, member.password, "No");
    await expect(new HomePage(page).signedInAs(member.email)).toBeVisible();
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  });

  test("wrong password shows the generic message", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForIslands(page);
    await login.signIn("nobody@example.com", "not the right password at all");
    await expect(login.error()).toHaveText("Email/customer number or password is incorrect.");
    await expect(page).toHaveURL(/\/login/);
    await expectAccessible(page);
  });

  test("keyboard only", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await waitForIslands(page);
    await expect(page.getByLabel("Email or customer number")).toBeFocused();
    const code = await codeSentBy(member.email, async () => {
      await page.keyboard.type(member.email);
      await page.keyboard.press("Tab");
      await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
      await page.keyboard.type(member.password);
      await page.keyboard.press("Enter");
      await new CodePage(page).expectShown();
    });
    await expect(page.getByLabel("Code", { exact: true })).toBeFocused();
    await page.keyboard.type(code);
    await page.keyboard.press("Enter");
    const no = page.getByRole("button", { name: "No", exact: true });
    await expect(no).toBeVisible();
    // Tab reaches the answers in order; the focused one is visibly outlined.
    const yes = page.getByRole("button", { name: "Yes", exact: true });
    for (let i = 0; i < 6 && !(await yes.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press("Tab");
    }
    await expect(yes).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(no).toBeFocused();
    const outline = await no.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe("none");
    await page.keyboard.press("Enter");
    await expect(new HomePage(page).signedInAs(member.email)).toBeVisible();
  });

  test("protected page returns to next after sign-in", async ({ page }) => {
    await page.goto("/account/security");
    await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fsecurity$/);
    await waitForIslands(page);
    await signInWithCode(page, owner.email, owner.email, owner.password, "No");
    await expect(page).toHaveURL(/\/account\/security$/);
    await expect(page.getByRole("heading", { name: "Security", level: 1 })).toBeVisible();
  });

  test("Login not possible? leads to the help page", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("link", { name: "Login not possible?" }).click();
    await expect(page).toHaveURL(/\/login-help$/);
    await expect(page.getByRole("heading", { name: "Login not possible?", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "The email code did not arrive" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Forgot password?" })).toBeVisible();
    await expectAccessible(page);
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

  test("wrong password, the code step, log out", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(member.email, "not the right password at all");
    await expect(login.error()).toHaveText("Email/customer number or password is incorrect.");
    // After a failure the next try is evaluated only a second later; a try before that gets the
    // same answer as a wrong password. So try again, each time from a fresh login page and until
    // this try's answer shows, until the code page comes instead of the error.
    const code = await codeSentBy(member.email, async () => {
      await expect(async () => {
        await login.goto();
        await login.signIn(member.email, member.password);
        const codeHeading = page.getByRole("heading", { name: "Confirm your sign-in" });
        await expect(codeHeading.or(login.error())).toBeVisible();
        expect(await login.error().isVisible(), "refused: within a second of the failure").toBe(false);
      }).toPass({ timeout: 15_000 });
      await new CodePage(page).expectShown();
    });
    const codePage = new CodePage(page);
    await codePage.confirm(code === "000000" ? "000001" : "000000");
    await expect(page.getByRole("alert")).toHaveText("The code is not correct.");
    await codePage.confirm(code);
    await new TrustPage(page).answer("No");
    const home = new HomePage(page);
    await expect(home.signedInAs(member.email)).toBeVisible();
    await home.logOut();
    await page.goto("/");
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
  });
});
