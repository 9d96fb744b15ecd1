// What every page does in the browser without the WASM bundle (inline, with the page's nonce).
// It is sent without its comment lines and indentation (`page_script`): a comment has a line of
// its own, and no string or template spans lines.
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
  // form is on its way: what was typed, passwords and one-time codes aside
  // (`autocomplete="one-time-code"`: the email, app and recovery codes), and for a table row's
  // form which row it was: its hidden fields (the row's id; tables hold no link tokens), its
  // place, and the table. A form for the whole table ("Remove all") names it in `data-table`;
  // its place is -1.
  const KEPT = "pforte-form";
  const keptFields = (form) =>
    [...form.elements].filter((f) =>
      f.name && !["password", "hidden", "submit", "button"].includes(f.type) &&
      f.getAttribute("autocomplete") !== "one-time-code");
  const rowOf = (form) =>
    JSON.stringify([...form.elements].filter((f) => f.type === "hidden" && f.name !== "token").map((f) => [f.name, f.value]));
  const formsFor = (action) => [...document.forms].filter((f) => f.getAttribute("action") === action);
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const tr = form.closest("tr");
    const labelledby = tr
      ? tr.closest("table[aria-labelledby]")?.getAttribute("aria-labelledby")
      : form.dataset.table;
    const kept = {
      at: Date.now(),
      action: form.getAttribute("action"),
      values: keptFields(form).map((f) => [f.name, f.type === "checkbox" ? f.checked : f.value]),
      row: labelledby ? {
        path: location.pathname,
        hidden: rowOf(form),
        index: tr ? tr.sectionRowIndex : -1,
        table: labelledby,
      } : null,
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
    // Left by a post that was answered without a page (busy, too many attempts): not for now.
    if (!kept || !(Date.now() - kept.at < 120000)) return;
    const refused = new URLSearchParams(location.search).has("__err");
    const row = kept.row && kept.row.path === location.pathname ? kept.row : null;
    // The very form that was sent: the one form with that action, or the row's own.
    const same = formsFor(kept.action).filter((f) => !row || rowOf(f) === row.hidden);
    const form = same.length === 1 ? same[0] : null;
    // A refused form gets back what was typed, never into another row's form.
    if (refused && form) {
      for (const [name, value] of kept.values) {
        const field = keptFields(form).find((f) => f.name === name);
        if (!field) continue;
        if (field.type === "checkbox") field.checked = value === true;
        else if (typeof value === "string") field.value = value;
      }
    }
    // A table row's form ("Remove", "Sign out", "Edit") brings the focus back to its row, and a
    // whole table's to the table's heading, unless the page put it somewhere itself (a field an
    // error is about, an outcome to read).
    if (!row || document.querySelector("[autofocus]")) return;
    if (refused && form) {
      // Refused: back to the form, open, its first field (else its button) marked and described
      // by the alert that says why (the last one before it).
      form.closest("details")?.setAttribute("open", "");
      const target = keptFields(form)[0] ?? form.querySelector("button[type=submit]");
      if (!target) return;
      const alert = [...document.querySelectorAll("[role=alert]")]
        .filter((a) => a.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING)
        .pop();
      if (alert) {
        alert.id ||= "form-error";
        const described = target.getAttribute("aria-describedby");
        target.setAttribute("aria-describedby", described ? `${described} ${alert.id}` : alert.id);
        if (target.type !== "submit") target.setAttribute("aria-invalid", "true");
      }
      target.focus();
      return;
    }
    // Done: to the row's first cell, never to a button a second Enter would press; the row that
    // took a removed one's place, else (and after a whole table's form) the table's heading.
    let tr = null;
    if (row.index >= 0) {
      const table = [...document.querySelectorAll("table[aria-labelledby]")]
        .find((t) => t.getAttribute("aria-labelledby") === row.table);
      const rows = table?.tBodies[0]?.rows ?? [];
      tr = form?.closest("tr") ?? rows[row.index] ?? rows[rows.length - 1];
    }
    const target = tr ? tr.cells[0] : document.getElementById(row.table.split(" ")[0]);
    if (!target) return;
    target.setAttribute("tabindex", "-1");
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
