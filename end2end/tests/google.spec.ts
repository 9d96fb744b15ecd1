import { test, expect, expectAccessible, waitForIslands } from "./fixtures/test";
import { pforte } from "./fixtures/global-setup";
import { owner } from "./fixtures/accounts";
import { waitForMail, welcomePath } from "./fixtures/mailbox";
import { googleSignsInAs } from "./fixtures/google";
import { HomePage, LoginPage, signInWithCode } from "./fixtures/pages";

const password = "amber heron glides past lighthouses";

test("a user signs in with Google from /login: linked by the address the admin entered", async ({ page }) => {
  const email = "dora.google@example.com";
  const google = "dora.private@gmail.example";
  pforte(
    ["create-user", "--customer-number", owner.customerNumber, "--email", email, "--google-email", google, "--password-stdin"],
    password + "\n",
  );
  googleSignsInAs("google-sub-dora", google);
  const login = new LoginPage(page);
  await login.goto("/login?next=%2Faccount%2Fsecurity");
  await waitForIslands(page);
  await expectAccessible(page);
  await page.getByRole("button", { name: "Sign in with Google" }).click();
  // No email code: Google replaces password and code, and the user lands on `next`.
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByRole("heading", { name: "Google account" })).toBeVisible();
  await expect(page.getByText(`Linked to ${google} since`)).toBeVisible();
  const mail = await waitForMail(email, "Google account linked");
  expect(mail.text).toContain(google);

  // Unlink needs the password: a wrong one marks the field; afterwards Google no longer signs in.
  await waitForIslands(page);
  const unlinkPassword = page.locator("#google_unlink_password");
  await unlinkPassword.fill("not the password at all");
  await page.getByRole("button", { name: "Unlink" }).click();
  await expect(unlinkPassword).toHaveAttribute("aria-invalid", "true");
  await expect(unlinkPassword).toBeFocused();
  await expectAccessible(page);
  // A wrong password delays the next try by a second, as at sign-in.
  await page.waitForTimeout(1_100);
  await unlinkPassword.fill(password);
  await page.getByRole("button", { name: "Unlink" }).click();
  await expect(page.getByText("Your Google account was unlinked.")).toBeVisible();
  await expect(page.getByText("No Google account is linked.")).toBeVisible();
  await page.context().clearCookies();
  await login.goto();
  await page.getByRole("button", { name: "Sign in with Google" }).click();
  await expect(page).toHaveURL(/\/login\?google=failed$/);
  await expect(login.error()).toContainText("Sign-in with Google did not work.");
  await expectAccessible(page);
});

test("an invited user signs in with Google on the stepper's first step and is active", async ({ page }) => {
  const email = "emil.neu@example.com";
  const google = "emil.neu@gmail.example";
  // The admin creates the user on /admin/users with a Google address.
  await new LoginPage(page).goto();
  await signInWithCode(page, owner.email, owner.email, owner.password, "No");
  await page.goto("/admin/users");
  await waitForIslands(page);
  await page.getByLabel("Name", { exact: true }).fill("Emil Neu");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.locator("#google_email").fill("emil.old@gmail.example");
  await page.getByRole("button", { name: "Create user and send invitation" }).click();
  await expect(page.getByRole("cell", { name: email, exact: true })).toBeVisible();
  // "Edit": the admin corrects the Google address. Another user's address is refused: the row's
  // edit comes back open with what was typed, the focus in its field, described by the alert.
  await page.locator(`summary[aria-label="Edit ${email}"]`).click();
  const field = page.locator("details[open]").getByLabel("Google address");
  await expect(field).toHaveValue("emil.old@gmail.example");
  await field.fill(owner.email);
  await field.press("Enter");
  await expect(page.getByRole("alert")).toContainText("This Google address already belongs to another user.");
  await expect(field).toBeFocused();
  await expect(field).toHaveValue(owner.email);
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(/already belongs to another user/);
  await field.fill(google);
  await page.locator("details[open]").getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText(`The Google address of ${email} was saved.`);
  await page.context().clearCookies();

  googleSignsInAs("google-sub-emil", google);
  const invitation = await waitForMail(email, "Your user account at ");
  await page.goto(welcomePath(invitation));
  await waitForIslands(page);
  await expect(page.getByRole("list", { name: "Steps" }).locator('[aria-current="step"]')).toHaveText("Enter email");
  await page.getByRole("button", { name: "Sign in with Google" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(new HomePage(page).signedInAs(email)).toBeVisible();
  // The invitation is used up.
  await page.goto(welcomePath(invitation));
  await expect(page.getByText("This link is no longer valid.")).toBeVisible();
});
