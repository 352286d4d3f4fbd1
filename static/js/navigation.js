// The menu folds behind a "Menu" button on narrow screens (GOV.UK's service navigation
// pattern). Without JavaScript the button stays hidden and every link is shown.
(function () {
  "use strict";

  function setUp() {
    var toggle = document.querySelector(".govuk-js-service-navigation-toggle");
    if (!toggle) return;
    var list = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!list) return;
    var wide = window.matchMedia("(min-width: 40.0625em)");
    var open = false;

    function show() {
      if (wide.matches) {
        toggle.hidden = true;
        toggle.removeAttribute("aria-expanded");
        list.hidden = false;
      } else {
        toggle.hidden = false;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        list.hidden = !open;
      }
    }

    toggle.addEventListener("click", function () {
      open = !open;
      show();
    });
    wide.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
