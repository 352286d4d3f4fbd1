// Warns before an idle session ends and lets the person stay signed in (WCAG 2.2.1).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="session-expiry"]');
  if (!meta) return;
  var seconds = parseInt(meta.getAttribute("content"), 10);
  var keepalive = meta.getAttribute("data-keepalive");
  var warnBefore = Math.min(300, Math.floor(seconds / 4));
  var warnTimer = null;
  var endTimer = null;
  var banner = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("data-hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function removeBanner() {
    if (banner && banner.parentNode) banner.parentNode.removeChild(banner);
    banner = null;
  }

  function showWarning() {
    removeBanner();
    banner = document.createElement("div");
    banner.className = "govuk-notification-banner app-session-warning";
    banner.setAttribute("role", "alert");
    banner.setAttribute("aria-labelledby", "session-warning-title");
    var header = document.createElement("div");
    header.className = "govuk-notification-banner__header";
    var title = document.createElement("h2");
    title.className = "govuk-notification-banner__title";
    title.id = "session-warning-title";
    title.textContent = "You are about to be signed out";
    header.appendChild(title);
    var content = document.createElement("div");
    content.className = "govuk-notification-banner__content";
    var text = document.createElement("p");
    text.className = "govuk-body";
    text.textContent =
      "For your security, you will be signed out in " +
      Math.round(warnBefore / 60) +
      " minutes because nothing has been saved or opened for a while. Anything you have not saved will be lost.";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-!-margin-bottom-0";
    button.textContent = "Stay signed in";
    button.addEventListener("click", stay);
    content.appendChild(text);
    content.appendChild(button);
    banner.appendChild(header);
    banner.appendChild(content);
    var main = document.getElementById("main-content");
    main.insertBefore(banner, main.firstChild);
    button.focus();
  }

  function signedOut() {
    window.location.reload();
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showWarning, (seconds - warnBefore) * 1000);
    endTimer = setTimeout(signedOut, seconds * 1000 + 2000);
  }

  function stay() {
    fetch(keepalive, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      if (response.ok) {
        removeBanner();
        schedule();
      } else {
        signedOut();
      }
    });
  }

  document.addEventListener("htmx:afterRequest", schedule);
  schedule();
})();
