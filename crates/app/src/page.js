// What every page does in the browser without the WASM bundle (inline, with the page's nonce).
(() => {
  // Tells the server the browser's time zone (an IANA name such as `Europe/Berlin`) in a cookie
  // every later request carries; the server keeps it on the user when a sign-in completes, for the
  // times in their mails. Only the characters of IANA names reach the cookie.
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && zone.length <= 64 && /^[A-Za-z0-9\/_+-]+$/.test(zone)) {
      document.cookie = location.protocol === "https:"
        ? `__Host-pforte_tz=${zone}; Path=/; Max-Age=31536000; SameSite=Lax; Secure`
        : `pforte_tz=${zone}; Path=/; Max-Age=31536000; SameSite=Lax`;
    }
  } catch (_) {}

  // A form is sent once: while its answer is on the way, its submit buttons look disabled
  // (`aria-disabled`, so that they keep the focus) and a second press or Enter does nothing.
  const buttons = (form) => form.querySelectorAll("button[type=submit]");
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    buttons(form).forEach((b) => b.setAttribute("aria-disabled", "true"));
  });
  // A form that comes back refused (the address names the error) keeps what was typed, passwords
  // and one-time codes (`autocomplete="one-time-code"`: the email, app and recovery codes) aside:
  // kept in this tab's storage while the form is on its way. Only a page with one form of that
  // kind gets them back (a table's rows have one each, and a value must not land in another row).
  const KEPT = "pforte-form";
  const keptFields = (form) =>
    [...form.elements].filter((f) =>
      f.name && !["password", "hidden", "submit", "button"].includes(f.type) &&
      f.getAttribute("autocomplete") !== "one-time-code");
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const values = keptFields(form).map((f) => [f.name, f.type === "checkbox" ? f.checked : f.value]);
    try {
      sessionStorage.setItem(KEPT, JSON.stringify({ action: form.getAttribute("action"), values }));
    } catch (_) {}
  });
  addEventListener("DOMContentLoaded", () => {
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(KEPT) ?? "null");
      sessionStorage.removeItem(KEPT);
    } catch (_) {}
    if (!kept || !new URLSearchParams(location.search).has("__err")) return;
    const forms = [...document.forms].filter((f) => f.getAttribute("action") === kept.action);
    if (forms.length !== 1) return;
    const form = forms[0];
    for (const [name, value] of kept.values) {
      const field = keptFields(form).find((f) => f.name === name);
      if (!field) continue;
      if (field.type === "checkbox") field.checked = value === true;
      else if (typeof value === "string") field.value = value;
    }
  });

  // A page the browser shows again from its history may be sent again.
  addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach((form) => {
      delete form.dataset.sent;
      buttons(form).forEach((b) => b.setAttribute("aria-disabled", "false"));
    });
  });
})();
