import { Browser, Page } from "@playwright/test";
import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { LoginPage, HomePage, CodePage, signInWithCode } from "./fixtures/pages";
import { pforte } from "./fixtures/global-setup";
import { codeSentBy, waitForMail } from "./fixtures/mailbox";
import { owner } from "./fixtures/accounts";

const password = "amber walrus paints seven kites";

/** A user of their own for each test, so that one test's devices and delays do not touch another's. */
function newUser(name: string): string {
  const email = `${name}.${Date.now()}@example.com`;
  pforte(["create-user", "--customer-number", owner.customerNumber, "--email", email, "--password-stdin"], password + "\n");
  return email;
}

async function login(page: Page) {
  await new LoginPage(page).goto();
  await waitForIslands(page);
}

async function expectSignedIn(page: Page, email: string) {
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();
}

/** Signs out and in again in the same browser: true when no code was asked. */
async function signsInWithoutCode(page: Page, email: string): Promise<boolean> {
  await new HomePage(page).logOut();
  await waitForIslands(page);
  await new LoginPage(page).signIn(email, password);
  await expect(page).toHaveURL(/\/$|\/login\/code/);
  return !page.url().includes("/login/code");
}

async function freshBrowser(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test("Yes trusts this browser only: the next sign-in here needs no code, another browser does", async ({ page, browser }) => {
  const email = newUser("frida");
  await login(page);
  await signInWithCode(page, email, email, password, "Yes");
  await expectSignedIn(page, email);
  const mail = await waitForMail(email, "New device trusted");
  expect(mail.text).toContain("/account/security");
  expect(mail.text).toMatch(/Chrome \d+ on Linux/);

  expect(await signsInWithoutCode(page, email)).toBe(true);
  await expectSignedIn(page, email);

  const other = await freshBrowser(browser);
  await other.page.goto("/login");
  await new LoginPage(other.page).signIn(email, password);
  await new CodePage(other.page).expectShown();
  await other.context.close();
});

test("No: the code is asked again next time", async ({ page }) => {
  const email = newUser("gustav");
  await login(page);
  await signInWithCode(page, email, email, password, "No");
  await expectSignedIn(page, email);
  expect(await signsInWithoutCode(page, email)).toBe(false);
});

test("wrong code, and Send new code says when it is possible", async ({ page }) => {
  const email = newUser("hanna");
  await login(page);
  const code = await codeSentBy(email, async () => {
    await new LoginPage(page).signIn(email, password);
    await new CodePage(page).expectShown();
  });
  await expect(page.getByText(/You can request a new code in \d+ seconds\./)).toBeVisible();
  await expectAccessible(page);
  await new CodePage(page).confirm(code === "000000" ? "000001" : "000000");
  await expect(page.getByRole("alert")).toHaveText("The code is not correct.");
  // The page the refused code comes back to has the code field focused, described by the alert.
  const codeField = page.getByLabel("Code", { exact: true });
  await expect(codeField).toBeFocused();
  await expect(codeField).toHaveAttribute("aria-describedby", /code-error/);
  await page.getByRole("button", { name: "Send new code" }).click();
  await expect(page.getByRole("alert")).toHaveText(/^You can request a new code in \d+ seconds\.$/);
  // The countdown ticks once its island is alive.
  const countdown = page.locator(".resend p.muted");
  await expect(countdown).toHaveText(/^You can request a new code in \d+ seconds\.$/);
  const before = await countdown.textContent();
  await expect(countdown).not.toHaveText(before ?? "", { timeout: 5000 });
  await new CodePage(page).confirm(code);
  await expect(page).toHaveURL(/\/login\/trust$/);
});

test("Remove on the security page: the code is asked again", async ({ page }) => {
  const email = newUser("ida");
  await login(page);
  await signInWithCode(page, email, email, password, "Yes");
  await expectSignedIn(page, email);
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Security", level: 1 })).toBeVisible();
  const devices = page.getByRole("table", { name: "Trusted devices" });
  await expect(devices.getByRole("row")).toHaveCount(2);
  await expect(devices).toContainText("This device");
  const activity = page.getByRole("table", { name: "Recent security activity" });
  await expect(activity).toContainText("Device trusted");
  await expect(activity).toContainText("Signed in");
  await expectAccessible(page);
  await devices.getByRole("button", { name: /^Remove Chrome/ }).click();
  await expect(page.getByText("No trusted devices.")).toBeVisible();
  // The row is gone, and with it the table: the focus goes to the table's heading, not the top.
  await expect(page.getByRole("heading", { name: "Trusted devices" })).toBeFocused();
  await expect(page.getByRole("table", { name: "Recent security activity" })).toContainText("Device removed");
  await page.goto("/");
  expect(await signsInWithoutCode(page, email)).toBe(false);
});

test("Remove all works without JavaScript", async ({ browser }) => {
  const email = newUser("jonas");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await signInWithCode(page, email, email, password, "Yes");
  await expectSignedIn(page, email);
  await page.goto("/account/security");
  await expect(page.getByRole("table", { name: "Trusted devices" })).toContainText("This device");
  await page.getByRole("button", { name: "Remove all" }).click();
  await expect(page.getByText("No trusted devices.")).toBeVisible();
  await context.close();
});

test("Change password keeps this browser signed in and trusted", async ({ page }) => {
  const email = newUser("karla");
  await login(page);
  await signInWithCode(page, email, email, password, "Yes");
  await expectSignedIn(page, email);
  await page.goto("/account/security");
  await waitForIslands(page);
  await expect(page.getByRole("table", { name: "Trusted devices" })).toContainText("This device");
  const newPassword = "granite otter sketches five harbours";
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not my password at all");
  await form.getByLabel("New password", { exact: true }).fill(newPassword);
  await form.getByLabel("Repeat new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toHaveText("The current password is not correct.");
  await expectAccessible(page);
  // After a failure the next try is evaluated only a second later; a try before that gets the
  // same answer as a wrong password, and the page looks just as after the first failure. So try
  // again until the change is accepted, each try waiting for its own answer first, so that the
  // change is never sent twice.
  await expect(async () => {
    await form.getByLabel("Current password").fill(password);
    await form.getByLabel("New password", { exact: true }).fill(newPassword);
    await form.getByLabel("Repeat new password").fill(newPassword);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/change_password");
    await page.getByRole("button", { name: "Change password" }).click();
    // A plain form post: the answer sends the browser back, with the error in the address if refused.
    if (((await answer).headers()["location"] ?? "").includes("__err=")) {
      await expect(page.getByRole("alert")).toHaveText("The current password is not correct.");
      throw new Error("refused: within a second of the failure");
    }
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("status")).toHaveText(/^Your password was changed\./);
  // The browser it was changed in goes on signed in (under a new session token) and trusted.
  await page.reload();
  await expect(page.getByRole("table", { name: "Trusted devices" })).toContainText("This device");
  await expect(page.getByRole("table", { name: "Trusted devices" }).getByRole("row")).toHaveCount(2);
  await waitForMail(email, "Your Pforte password was changed");
});

test("Sign out everywhere else ends the other browser's session", async ({ page, browser }) => {
  const email = newUser("lena");
  const other = await freshBrowser(browser);
  await other.page.goto("/login");
  await waitForIslands(other.page);
  await signInWithCode(other.page, email, email, password, "No");
  await expectSignedIn(other.page, email);

  await login(page);
  await signInWithCode(page, email, email, password, "No");
  await expectSignedIn(page, email);
  await page.goto("/account/security");
  await waitForIslands(page);
  const sessions = page.getByRole("table", { name: "Active sessions" });
  await expect(sessions.getByRole("row")).toHaveCount(3);
  await expect(sessions).toContainText("This session");
  await expectAccessible(page);

  // A third browser, signed out from its row: the focus goes to the row that took its place.
  const third = await freshBrowser(browser);
  await third.page.goto("/login");
  await signInWithCode(third.page, email, email, password, "No");
  await expectSignedIn(third.page, email);
  await third.context.close();
  await page.reload();
  await expect(sessions.getByRole("row")).toHaveCount(4);
  await sessions.getByRole("button", { name: /^Sign out / }).first().press("Enter");
  await expect(sessions.getByRole("row")).toHaveCount(3);
  await expect(sessions.locator("tbody tr > td:first-child:focus")).toHaveCount(1);

  // A form for the whole table: the focus goes to the table's heading.
  await page.getByRole("button", { name: "Sign out everywhere else" }).press("Enter");
  await expect(sessions.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("heading", { name: "Active sessions" })).toBeFocused();

  await other.page.goto("/");
  await expect(other.page).toHaveURL(/\/login\?next=%2F$/);
  await other.context.close();
});
