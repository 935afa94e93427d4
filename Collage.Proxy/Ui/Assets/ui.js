// Collage's page: the copy buttons. Served from the binary; the Content-Security-Policy allows no other script.
"use strict";
(function () {
  function copied(button) {
    button.textContent = "Copied";
    button.setAttribute("data-copied", "true");
  }

  // Clipboard API where the page is a secure context (https, or localhost); else a hidden textarea and execCommand.
  function fallback(button, text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try {
      if (document.execCommand("copy")) {
        copied(button);
      } else {
        button.textContent = "Select and copy";
      }
    } finally {
      document.body.removeChild(area);
      button.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) {
      return;
    }

    var text = button.getAttribute("data-copy") || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); }, function () { fallback(button, text); });
    } else {
      fallback(button, text);
    }
  });
})();
