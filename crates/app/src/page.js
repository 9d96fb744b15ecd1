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
  // What a form post leaves for the page it leads back to, kept in this tab's storage while the
  // form is on its way: which form it was (its action and hidden fields: a table's rows differ in
  // their row's id), where it was, and what was typed, passwords and one-time codes aside
  // (`autocomplete="one-time-code"`: the email, app and recovery codes).
  const KEPT = "pforte-form";
  const keptFields = (form) =>
    [...form.elements].filter((f) =>
      f.name && !["password", "hidden", "submit", "button"].includes(f.type) &&
      f.getAttribute("autocomplete") !== "one-time-code");
  const hiddenOf = (form) =>
    JSON.stringify([...form.elements].filter((f) => f.type === "hidden").map((f) => [f.name, f.value]));
  const formsFor = (action) => [...document.forms].filter((f) => f.getAttribute("action") === action);
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const action = form.getAttribute("action");
    const table = form.closest("table");
    const kept = {
      path: location.pathname,
      action,
      hidden: hiddenOf(form),
      index: formsFor(action).indexOf(form),
      table: table ? table.getAttribute("aria-labelledby") : null,
      values: keptFields(form).map((f) => [f.name, f.type === "checkbox" ? f.checked : f.value]),
    };
    try {
      sessionStorage.setItem(KEPT, JSON.stringify(kept));
    } catch (_) {}
  });
  addEventListener("DOMContentLoaded", () => {
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(KEPT) ?? "null");
      sessionStorage.removeItem(KEPT);
    } catch (_) {}
    if (!kept || kept.path !== location.pathname) return;
    const refused = new URLSearchParams(location.search).has("__err");
    const same = formsFor(kept.action).filter((f) => hiddenOf(f) === kept.hidden);
    const form = same.length === 1 ? same[0] : null;
    // A refused form gets back what was typed: only the very form that was sent, so that a value
    // never lands in another row.
    if (refused && form) {
      for (const [name, value] of kept.values) {
        const field = keptFields(form).find((f) => f.name === name);
        if (!field) continue;
        if (field.type === "checkbox") field.checked = value === true;
        else if (typeof value === "string") field.value = value;
      }
      form.closest("details")?.setAttribute("open", "");
    }
    // A table row's form ("Remove", "Sign out", "Edit") brings the focus back to where it was,
    // unless the page put it somewhere itself (a field the error is about, an outcome to read):
    // to the same form (its first field when refused), else to the row that took the removed
    // one's place, else to the table's heading.
    if (kept.table === null || document.querySelector("[autofocus]")) return;
    const rows = formsFor(kept.action);
    const target = form
      ? (refused && keptFields(form)[0]) || form.querySelector("button[type=submit]")
      : (rows[kept.index] ?? rows[rows.length - 1])?.querySelector("button[type=submit]") ??
        document.getElementById(kept.table);
    if (!target) return;
    if (target.matches("h1, h2, h3")) target.setAttribute("tabindex", "-1");
    // A refused form's field is described by the page's alert, which says why.
    const alert = document.querySelector("[role=alert][id]");
    if (refused && form && alert && target.form === form && target.type !== "submit") {
      const described = target.getAttribute("aria-describedby");
      target.setAttribute("aria-describedby", described ? `${described} ${alert.id}` : alert.id);
    }
    target.focus();
  });

  // Times: the server writes them in UTC (`<time datetime="…Z" data-local>`); here they are shown
  // in the browser's time zone and the page's language, recent ones (`data-relative`, up to a week
  // back) as "5 minutes ago".
  const localTime = (at, relative, lang) => {
    const ago = (Date.now() - at) / 1000;
    if (relative && ago >= 0 && ago < 7 * 86400) {
      const [value, unit] =
        ago < 60 ? [0, "second"]
        : ago < 3600 ? [Math.floor(ago / 60), "minute"]
        : ago < 86400 ? [Math.floor(ago / 3600), "hour"]
        : [Math.floor(ago / 86400), "day"];
      return new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(-value, unit);
    }
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(at);
  };
  addEventListener("DOMContentLoaded", () => {
    const lang = document.documentElement.lang || "en";
    document.querySelectorAll("time[data-local]").forEach((time) => {
      const at = Date.parse(time.getAttribute("datetime"));
      if (Number.isNaN(at)) return;
      try {
        time.textContent = localTime(at, time.hasAttribute("data-relative"), lang);
      } catch (_) {}
    });
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
