// SftpKit web client: small enhancements; every page works without this script.
// - forms with data-confirm ask before submitting (delete);
// - the upload form sends through XMLHttpRequest to show progress, then follows the server's answer.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  var upload = document.querySelector("form.upload");
  if (!upload || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  var progress = upload.querySelector("progress");
  var status = upload.querySelector(".upload-status");
  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    var button = upload.querySelector("button[type=submit]");
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        progress.value = Math.floor(e.loaded * 100 / e.total);
        status.textContent = progress.value + " %";
      }
    });
    request.addEventListener("load", function () {
      // The server answers with the folder page (after its redirect) or an error page: show it.
      if (request.responseURL && request.status < 400) {
        window.location.assign(request.responseURL);
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      progress.hidden = true;
      status.textContent = "Upload failed.";
    });
    request.open("POST", upload.action);
    request.send(new FormData(upload));
  });
})();
