// Facilitator mode: the left and right arrow keys follow the "Previous part" and "Next part"
// links, unless the keyboard is in a form field (radios and text use the arrows themselves).
(function () {
  "use strict";
  var TYPING = ["INPUT", "TEXTAREA", "SELECT"];

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
    var target = event.target;
    if (!rel || (target && (target.isContentEditable || TYPING.indexOf(target.tagName) !== -1))) {
      return;
    }
    var link = document.querySelector('.app-facilitator a[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
