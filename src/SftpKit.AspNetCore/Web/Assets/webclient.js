// SftpKit web client: upload progress. The upload form works without this script (a plain multipart POST); with it
// the same request is sent through XMLHttpRequest to show its progress, then the browser follows the server's answer.
"use strict";
(function () {
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
      if (request.status < 400 && request.responseURL) {
        window.location.assign(request.responseURL); // the folder page the server redirected to
        return;
      }
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var alert = page.querySelector(".alert.error");
      button.disabled = false;
      progress.hidden = true;
      status.textContent = alert ? alert.textContent : "Upload failed (" + request.status + ").";
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
